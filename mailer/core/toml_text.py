"""An issue's document as campaign.toml text (tomlkit), keeping what a person wrote.

With the text of the revision it started from, only what changed is rewritten: comments, key
order, quoting and layout of everything else stay, so a folder kept in git shows a diff of the
changed lines only. Without one (an issue made in the editor) the layout is the sample's:
settings first, then ``[content.<lang>]``, then each ``[[items]]`` with its languages.
Whatever the route, the text is read back and must give the document again.

Saves in the editor come every few seconds, each a small change to the text the previous save
wrote, so the process keeps a few recent texts' tomlkit trees and their documents: the next
save edits the tree its base text left instead of parsing that text again. A tree is taken out
while it is edited (never shared between two saves) and put back under the text it gives; a
text not kept (another host wrote it, or it is older) is parsed as before.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, InlineTable, Item, Table

from mailer.core.issue_documents import to_document
from mailer.core.recent import Recent
from mailer.errors import InvalidValue

Container = tomlkit.TOMLDocument | Table | InlineTable


def to_toml(document: Mapping[str, Any], original_text: str | None = None) -> str:
    """The campaign.toml text of ``document``, edited into ``original_text`` when given.

    ``InvalidValue`` when the document cannot be written as TOML (a ``null``, a list mixing
    tables and values, a value TOML has no form for)."""
    wanted = to_document(document)
    key = (repr(wanted), original_text)  # repr tells a date from its text, and keeps key order
    written = _WRITTEN.get(key)
    if written is None:
        written = _write(wanted, original_text)
        _WRITTEN.put(key, written)
    return written


def _write(wanted: Mapping[str, Any], original_text: str | None) -> str:
    if original_text is not None:
        edited = _edited(original_text, wanted)
        if edited is not None:
            return edited
    try:
        text = tomlkit.dumps(_fresh(wanted))
    except (TOMLKitError, TypeError, ValueError) as exc:
        raise InvalidValue("document", f"cannot be written as campaign.toml: {exc}") from None
    if not _gives(text, wanted):
        raise InvalidValue("document", "cannot be written as campaign.toml without a change")
    return text


def _gives(text: str, wanted: Mapping[str, Any]) -> bool:
    return _read(text) == wanted


@lru_cache(maxsize=16)
def _read(text: str) -> dict[str, Any] | None:
    """The document ``text`` holds (None when it is not one); shared, never to be changed."""
    try:
        return to_document(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, InvalidValue, RecursionError):
        return None


# The tomlkit trees of the last few texts written, each lent to one save at a time (``take``).
_TREES: Recent[str, tomlkit.TOMLDocument] = Recent(8)


# The last few texts written, by what they were written from: an issue whose items refer to the
# library is written out again (its references resolved) each time it is read, each time the
# same text from the same document (a page, a lint, a preview).
_WRITTEN: Recent[tuple[str, str | None], str] = Recent(32)


def _edited(original_text: str, wanted: Mapping[str, Any]) -> str | None:
    try:
        if _gives(original_text, wanted):
            return original_text
        parsed = _TREES.take(original_text)
        if parsed is None:
            parsed = tomlkit.parse(original_text)
        _update(parsed, wanted)
        text = tomlkit.dumps(parsed)
    except (TOMLKitError, TypeError, ValueError, KeyError):
        return None
    if not _gives(text, wanted):
        return None
    _TREES.put(text, parsed)
    return text


def _plain(value: Any) -> Any:
    """A tomlkit value as the document holds it (dates as ISO text)."""
    unwrapped = value.unwrap() if isinstance(value, Item | tomlkit.TOMLDocument) else value
    if isinstance(unwrapped, Mapping):
        return to_document(unwrapped)
    return to_document({"v": unwrapped})["v"]


def _update(container: Container, wanted: Mapping[str, Any]) -> None:
    """Make ``container`` hold ``wanted``, touching only the keys that differ."""
    for key in [k for k in container if k not in wanted]:
        del container[key]
    for key, value in wanted.items():
        if key not in container:
            container[key] = _item(key, value)
            continue
        current = container[key]
        if _plain(current) == value:
            continue
        if isinstance(value, Mapping) and isinstance(current, Table | InlineTable):
            _update(current, value)
        elif (
            isinstance(current, AoT)
            and isinstance(value, list)
            and len(value) == len(current)
            and all(isinstance(entry, Mapping) for entry in value)
        ):
            for table, entry in zip(current, value, strict=True):
                _update(table, entry)
        else:
            container[key] = _item(key, value)


def _fresh(document: Mapping[str, Any]) -> tomlkit.TOMLDocument:
    out = tomlkit.document()
    tables = [(k, v) for k, v in document.items() if k in {"content", "items"}]
    for key, value in [*((k, v) for k, v in document.items() if k not in dict(tables)), *tables]:
        out[key] = _item(key, value)
    return out


def _item(key: str, value: Any) -> Any:
    """A tomlkit value laid out as campaign.toml writes it."""
    if key == "content" and isinstance(value, Mapping):
        languages = tomlkit.table(is_super_table=True)
        for language, entry in value.items():
            languages[language] = _table(entry) if isinstance(entry, Mapping) else entry
        return languages
    if (
        key == "items"
        and isinstance(value, list)
        and value
        and all(isinstance(entry, Mapping) for entry in value)
    ):
        items = tomlkit.aot()
        for entry in value:
            items.append(_table(entry))
        return items
    if isinstance(value, Mapping):
        inline = tomlkit.inline_table()
        for name, inner in value.items():
            inline[name] = _item(name, inner)
        return inline
    if isinstance(value, str) and "\n" in value:
        return tomlkit.string(value, multiline=True)
    return value


def _table(entry: Mapping[str, Any]) -> Table:
    table = tomlkit.table()
    for name, value in entry.items():
        table[name] = _item(name, value)
    return table
