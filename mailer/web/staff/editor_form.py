"""The editor page's form, read back into an issue document (the campaign.toml keys).

Field names follow the document: ``template``, ``lists`` (repeated), ``segment``, ``languages``
("en, ru, ka"), ``fallback`` ("be=ru, ky=ru"), ``send_at``, ``timezone``, ``series``,
``period``; ``content.<lang>.subject|preheader|intro``; per item card ``items.<card>.id|link|
image``, ``items.<card>.countries`` and ``.interests`` (repeated) and
``items.<card>.content.<lang>.title|summary|image_alt``; an event's or a call's
``items.<card>.kind|starts_at|ends_at|timezone|registration|deadline`` (docs/events.md);
``items.<card>.keep`` (hidden, JSON) carries an item's keys the card does not edit: its
``approach`` (docs/approaches.md). Cards are numbered when the page is drawn; their order in
the form is the items' order. Keys the page does not edit travel in the hidden ``extra``
(JSON). A field left blank is left out, so lint says it "is missing".

Without JavaScript, ``action`` (``add``, ``dup:<card>``, ``up:<card>``, ``down:<card>``,
``remove:<card>``) changes the cards before the save.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from mailer.core.campaign_items import REFERENCE_KEYS
from mailer.core.issue_documents import LANGUAGE_FIELDS

SETTINGS = ("template", "segment", "send_at", "timezone", "series", "period")
EDITED = frozenset(
    {*SETTINGS, "lists", "languages", "fallback", "content", "items"}
)  # every other top-level key travels in ``extra``
ITEM_TEXT = ("title", "summary", "image_alt")
# kind "approach" is the default and is left out; the times of the other kinds are kept only
# for their kind, so switching a card back to an approach drops them
TIMING = {
    "event": ("starts_at", "ends_at", "timezone", "registration"),
    "call": ("deadline", "timezone"),
}
KEPT = REFERENCE_KEYS  # an item's keys the card carries unseen (``items.<card>.keep``)
_ITEM = re.compile(r"items\.(\d{1,4})\.(.+)")
_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class EditorForm:
    document: dict[str, Any]
    base_revision: int
    message: str
    preview: dict[str, str]  # preview_lang, preview_email, preview_country, preview_interest


def _lines(value: str) -> str:
    """A browser submits a textarea's line breaks as CRLF; the document holds LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return _lines(value) if isinstance(value, str) else ""


def _texts(form: FormData, name: str) -> list[str]:
    return [_lines(v) for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def languages_of(text: str) -> list[str]:
    seen: list[str] = []
    for tag in _SPLIT.split(text):
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def fallback_of(text: str) -> dict[str, str]:
    """``"be=ru, ky = ru"`` → ``{"be": "ru", "ky": "ru"}``; a pair without ``=`` keeps its tag
    with an empty value, so lint names it."""
    pairs: dict[str, str] = {}
    for part in re.split(r"[,;\n]+", text):
        if not part.strip():
            continue
        tag, _, to = part.partition("=")
        pairs[tag.strip()] = to.strip()
    return pairs


def fallback_text(fallback: object) -> str:
    if not isinstance(fallback, dict):
        return ""
    return ", ".join(f"{tag}={to}" for tag, to in fallback.items())


def _extra(form: FormData) -> dict[str, Any]:
    try:
        extra = json.loads(_text(form, "extra") or "{}")
    except ValueError:
        return {}
    if not isinstance(extra, dict):
        return {}
    return {k: v for k, v in extra.items() if isinstance(k, str) and k not in EDITED}


def extra_json(document: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in document.items() if k not in EDITED}, ensure_ascii=False)


def _cards(form: FormData) -> list[str]:
    """Card numbers in the order their fields come in the form."""
    order: list[str] = []
    for name in form:
        match = _ITEM.fullmatch(name)
        if match and match.group(1) not in order:
            order.append(match.group(1))
    return order


def keep_json(item: dict[str, Any]) -> str:
    """The item's keys the card does not edit, for its hidden ``keep`` field."""
    return json.dumps({k: v for k, v in item.items() if k in KEPT}, ensure_ascii=False)


def _kept(form: FormData, prefix: str) -> dict[str, Any]:
    try:
        kept = json.loads(_text(form, f"{prefix}.keep") or "{}")
    except json.JSONDecodeError:
        return {}
    return {k: v for k, v in kept.items() if k in KEPT} if isinstance(kept, dict) else {}


def _item(form: FormData, card: str, languages: list[str]) -> dict[str, Any]:
    prefix = f"items.{card}"
    item: dict[str, Any] = {"id": _text(form, f"{prefix}.id"), **_kept(form, prefix)}
    for key in ("link", "image"):
        if value := _text(form, f"{prefix}.{key}"):
            item[key] = value
    for key in ("countries", "interests"):
        if values := _texts(form, f"{prefix}.{key}"):
            item[key] = values
    kind = _text(form, f"{prefix}.kind")
    if kind and kind != "approach":
        item["kind"] = kind
        for key in TIMING.get(kind, ()):
            if value := _text(form, f"{prefix}.{key}"):
                item[key] = value
    content: dict[str, dict[str, str]] = {}
    tags = [*languages, *_item_tags(form, prefix, languages)]
    for language in tags:
        texts = {
            key: value
            for key in ITEM_TEXT
            if (value := _text(form, f"{prefix}.content.{language}.{key}"))
        }
        if texts:
            content[language] = texts
    if content:
        item["content"] = content
    return item


def _item_tags(form: FormData, prefix: str, languages: list[str]) -> list[str]:
    start = f"{prefix}.content."
    tags = {name[len(start) :].rsplit(".", 1)[0] for name in form if name.startswith(start)}
    return sorted(tags - set(languages))


def _content(form: FormData, languages: list[str]) -> dict[str, dict[str, str]]:
    tags = {n.split(".")[1] for n in form if n.startswith("content.") and n.count(".") >= 2}
    content: dict[str, dict[str, str]] = {}
    for language in [*languages, *sorted(tags - set(languages))]:
        texts = {
            key: value
            for key in LANGUAGE_FIELDS
            if (value := _text(form, f"content.{language}.{key}"))
        }
        if texts:
            content[language] = texts
    return content


def apply_action(items: list[dict[str, Any]], cards: list[str], action: str) -> None:
    """The no-JavaScript buttons: add, duplicate, move or remove a card, in place."""
    verb, _, card = action.partition(":")
    if verb == "add":
        items.append({"id": f"item-{len(items) + 1}"})
        return
    if card not in cards:
        return
    at = cards.index(card)
    if verb == "remove":
        del items[at]
    elif verb == "dup":
        copy = json.loads(json.dumps(items[at]))
        copy["id"] = f"{copy.get('id') or 'item'}-copy"
        items.insert(at + 1, copy)
    elif verb == "up" and at > 0:
        items[at - 1], items[at] = items[at], items[at - 1]
    elif verb == "down" and at < len(items) - 1:
        items[at + 1], items[at] = items[at], items[at + 1]


def read_form(form: FormData) -> EditorForm:
    """The document the form holds, its base revision and the preview's choices."""
    languages = languages_of(_text(form, "languages"))
    document: dict[str, Any] = {}
    for key in SETTINGS:
        if value := _text(form, key):
            document[key] = value
    document["lists"] = _texts(form, "lists")
    document["languages"] = languages
    if fallback := fallback_of(_text(form, "fallback")):
        document["fallback"] = fallback
    document.update(_extra(form))
    document["content"] = _content(form, languages)
    cards = _cards(form)
    items = [_item(form, card, languages) for card in cards]
    if action := _text(form, "action"):
        apply_action(items, cards, action)
    document["items"] = items
    base = _text(form, "base_revision")
    preview = {
        name: _text(form, name)
        for name in ("preview_lang", "preview_email", "preview_country", "preview_interest")
    }
    return EditorForm(
        document, int(base) if base.isdigit() else 0, _text(form, "message")[:1000], preview
    )
