"""The approach editor's form, read back into an approach document (docs/approaches.md).

Field names follow the document: ``kind``, ``state``, ``organisation``, ``contact``,
``countries`` and ``interests`` ("GE, MK"), ``links`` (one a line), ``image``; an event's
``starts_at``, ``ends_at``, ``timezone``, ``registration``; a call's ``deadline`` and
``timezone``; ``languages`` ("en, ru") and ``content.<lang>.title|summary|image_alt``. A
field left blank is left out (the checks then say what is missing); an event's or call's
fields are kept only for that kind. Keys the page does not edit travel in ``extra`` (JSON).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from mailer.core.approaches import CALL_FIELDS, EVENT_FIELDS, KEYS, TEXT_FIELDS

ONE_LINE = ("organisation", "contact", "image")
_SPLIT = re.compile(r"[\s,;]+")
_LIST = re.compile(r"[,;\n]+")  # interests and country names may hold spaces


@dataclass(frozen=True)
class ApproachForm:
    slug: str
    document: dict[str, Any]
    base_revision: int
    message: str
    preview_lang: str


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def list_of(text: str) -> list[str]:
    """``"GE, North Macedonia; youth engagement"`` → its parts, trimmed, each once."""
    return list(dict.fromkeys(p.strip() for p in _LIST.split(text) if p.strip()))


def words_of(text: str) -> list[str]:
    seen: list[str] = []
    for word in _SPLIT.split(text):
        if word and word not in seen:
            seen.append(word)
    return seen


def _extra(form: FormData) -> dict[str, Any]:
    try:
        extra = json.loads(_text(form, "extra") or "{}")
    except ValueError:
        return {}
    return {k: v for k, v in extra.items() if k not in KEYS} if isinstance(extra, dict) else {}


def extra_json(document: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in document.items() if k not in KEYS}, ensure_ascii=False)


def _content(form: FormData, languages: list[str]) -> dict[str, dict[str, str]]:
    named = {n.split(".")[1] for n in form if n.startswith("content.") and n.count(".") >= 2}
    content: dict[str, dict[str, str]] = {}
    for language in [*languages, *sorted(named - set(languages))]:
        texts = {
            key: value for key in TEXT_FIELDS if (value := _text(form, f"content.{language}.{key}"))
        }
        if texts:
            content[language] = texts
    return content


def read_approach_form(form: FormData) -> ApproachForm:
    """The document the form holds, the slug (a new approach's), the base revision, the
    save's message and the preview's language."""
    document: dict[str, Any] = {}
    kind = _text(form, "kind") or "approach"
    document["kind"] = kind
    document["state"] = _text(form, "state") or "draft"
    for key in ONE_LINE:
        if value := _text(form, key):
            document[key] = value
    for key in ("countries", "interests"):
        if values := list_of(_text(form, key)):
            document[key] = values
    if links := [line.strip() for line in _text(form, "links").splitlines() if line.strip()]:
        document["links"] = links
    for key in EVENT_FIELDS if kind == "event" else CALL_FIELDS if kind == "call" else ():
        if value := _text(form, key):
            document[key] = value
    document.update(_extra(form))
    languages = words_of(_text(form, "languages"))
    document["content"] = _content(form, languages)
    base = _text(form, "base_revision")
    return ApproachForm(
        _text(form, "slug").lower(),
        document,
        int(base) if base.isdigit() and len(base) < 10 else 0,
        _text(form, "message")[:1000],
        _text(form, "preview_lang"),
    )


def languages_in(document: dict[str, Any], wanted: str = "") -> list[str]:
    """The editor's language tabs: the document's languages, then those asked for."""
    content = document.get("content")
    have = [str(k) for k in content] if isinstance(content, dict) else []
    return list(dict.fromkeys([*have, *words_of(wanted)])) or ["en"]
