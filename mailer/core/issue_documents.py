"""An issue's *document*: the data of its ``campaign.toml``, as JSON-able values.

The document has exactly the keys of the file (``docs/campaigns.md``); TOML dates and times
become ISO 8601 text, which ``parse_campaign`` reads the same way. It is what the editor and
the API exchange and what each revision stores beside its TOML text. The revision's hash is the
SHA-256 of that text: an approval is of one exact text, as it always was.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from mailer.core.subscribers import normalise_language
from mailer.errors import InvalidValue

MAX_TEXT_BYTES = 1024 * 1024  # an issue's campaign.toml; Gmail clips mail at 102 KB anyway
MAX_DEPTH = 16  # campaign.toml nests four levels deep (items.content.<lang>.title)
LANGUAGE_FIELDS = ("subject", "preheader", "intro")
ITEM_FIELDS = ("title", "summary")


def text_hash(text: str) -> str:
    """The SHA-256 of a campaign.toml text: what an approval names."""
    return hashlib.sha256(text.encode()).hexdigest()


def to_document(data: Mapping[str, Any], *, where: str = "") -> dict[str, Any]:
    """``data`` (from tomllib, or JSON) as a document: JSON-able, checked for what a database
    cannot hold. ``InvalidValue`` names the key of a NUL character, a value nested deeper than
    ``MAX_DEPTH``, or a number that is not finite."""
    out = _value(data, where, 0)
    assert isinstance(out, dict)
    return out


def _value(value: Any, where: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        shown = where if len(where) <= 60 else f"{where[:60]}…"
        raise InvalidValue(shown or "document", f"is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidValue(where or "document", f"key {key!r} is not text")
            _text(key, where or "document")
            out[key] = _value(item, f"{where}.{key}" if where else key, depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [_value(item, f"{where}[{index}]", depth + 1) for index, item in enumerate(value)]
    if isinstance(value, str):
        return _text(value, where)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue(where, f"{value} is not a number a document can hold")
    if value is None or isinstance(value, bool | int | float):
        return value
    raise InvalidValue(where, f"{type(value).__name__} is not a value of campaign.toml")


def _text(value: str, where: str) -> str:
    if "\x00" in value:
        raise InvalidValue(where, "contains a NUL character (\\u0000), which cannot be stored")
    return value


def check_size(text: str, where: str) -> str:
    """``text`` unless it is over ``MAX_TEXT_BYTES`` (``InvalidValue``)."""
    size = len(text.encode())
    if size > MAX_TEXT_BYTES:
        raise InvalidValue(
            where, f"is {size / 1024 / 1024:.1f} MB; an issue is at most {MAX_TEXT_BYTES} bytes"
        )
    return text


def missing_by_language(document: Mapping[str, Any]) -> dict[str, list[str]]:
    """What each language of ``languages`` still lacks: ``subject``, ``preheader``, ``intro``
    and every item's ``title`` and ``summary`` (and ``image_alt`` when it has an image), as
    lint names them. A complete language maps to an empty list. Tags are compared as lint
    does (``sr-latn`` is ``sr-Latn``); a tag lint refuses is left out."""
    languages = document.get("languages")
    if not isinstance(languages, list):
        return {}
    content = _by_language(document.get("content"))
    items = document.get("items") if isinstance(document.get("items"), list) else []
    missing: dict[str, list[str]] = {}
    for raw in languages:
        try:
            language = normalise_language(raw) if isinstance(raw, str) else ""
        except InvalidValue:
            continue
        if not language:
            continue
        entry = content.get(language, {})
        lacks = [f"content.{language}.{key}" for key in LANGUAGE_FIELDS if not _filled(entry, key)]
        for index, item in enumerate(items or []):
            if not isinstance(item, Mapping):
                continue
            name = f"items[{index}] ({item.get('id', '')})"
            text = _by_language(item.get("content")).get(language, {})
            wanted = (*ITEM_FIELDS, "image_alt") if item.get("image") else ITEM_FIELDS
            lacks += [
                f"{name}.content.{language}.{key}" for key in wanted if not _filled(text, key)
            ]
        missing[language] = lacks
    return missing


def _by_language(raw: Any) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    if not isinstance(raw, Mapping):
        return out
    for tag, entry in raw.items():
        try:
            language = normalise_language(tag)
        except InvalidValue:
            continue
        if isinstance(entry, Mapping):
            out[language] = entry
    return out


def _filled(entry: Mapping[str, Any], key: str) -> bool:
    value = entry.get(key)
    return isinstance(value, str) and bool(value.strip())


# Lists whose order means nothing: a form's pick list sends them in its own order.
UNORDERED = frozenset({"countries", "interests", "lists"})


def as_stored(new: Any, old: Any, key: str = "") -> Any:
    """``new``, where what differs from ``old`` at the same place only as a form would say it
    is ``old``'s: a text whose only change is the whitespace around it (a form's fields trim
    it, and a file's multi-line text ends with a line break), or a list of ``UNORDERED`` in
    another order (a pick list). A first save of an untouched page then changes nothing."""
    if isinstance(new, str) and isinstance(old, str):
        return old if new.strip() == old.strip() else new
    if isinstance(new, Mapping) and isinstance(old, Mapping):
        return {k: as_stored(value, old.get(k), k) for k, value in new.items()}
    if isinstance(new, list) and isinstance(old, list):
        if key in UNORDERED and sorted(map(str, new)) == sorted(map(str, old)):
            return old
        return [as_stored(v, old[i] if i < len(old) else None) for i, v in enumerate(new)]
    return new
