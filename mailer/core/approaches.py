"""An approach: an entry of the library that issues pick their items from.

Its *document* is the data of ``campaigns/approaches/<slug>.toml`` (the slug is the file's
name), JSON-able like an issue's (``mailer.core.issue_documents.to_document``)::

    kind = "approach"            # or "event", "call"
    state = "published"          # draft | published | archived
    organisation = "Community centre, Telavi"
    contact = "clubs@example.org"
    countries = ["GE"]
    interests = ["fatherhood"]
    links = ["https://example.org/eeca/approaches/fathers-clubs-kakheti"]
    image = "https://example.org/img/fathers-clubs-kakheti.jpg"
    [content.en]
    title = "…"
    summary = "…"
    image_alt = "…"

An event adds ``starts_at``, ``ends_at`` (local ISO datetimes, ``2027-01-20T14:00``),
``timezone`` (IANA) and ``registration`` (a URL); a call adds ``deadline`` (a local ISO
datetime) and ``timezone``. ``as_item`` turns a document into the ``[[items]]`` entry an
issue's item resolves to (``mailer.core.approach_refs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mailer.core.campaign_items import is_web_url
from mailer.core.problems import Checker, Problem
from mailer.core.subscribers import normalise_country, normalise_interest, normalise_language
from mailer.errors import InvalidValue

KINDS = ("approach", "event", "call")
STATES = ("draft", "published", "archived")
TEXT_FIELDS = ("title", "summary", "image_alt")
EVENT_FIELDS = ("starts_at", "ends_at", "timezone", "registration")
CALL_FIELDS = ("deadline", "timezone")
KEYS = frozenset(
    {
        "kind",
        "state",
        "organisation",
        "contact",
        "countries",
        "interests",
        "links",
        "image",
        "content",
        *EVENT_FIELDS,
        *CALL_FIELDS,
    }
)


def kind_of(document: Mapping[str, Any]) -> str:
    kind = document.get("kind", "approach")
    return kind if isinstance(kind, str) and kind in KINDS else "approach"


def state_of(document: Mapping[str, Any]) -> str:
    state = document.get("state", "draft")
    return state if isinstance(state, str) and state in STATES else "draft"


def title_of(document: Mapping[str, Any], languages: tuple[str, ...] = ("en",)) -> str:
    """The title in the first of ``languages`` that has one, else in any language."""
    content = document.get("content")
    if not isinstance(content, Mapping):
        return ""
    for language in [*languages, *content]:
        entry = content.get(language)
        title = entry.get("title") if isinstance(entry, Mapping) else None
        if isinstance(title, str) and title.strip():
            return title.strip()
    return ""


def check_approach(slug: str, document: Mapping[str, Any], shown: str = "") -> list[Problem]:
    """Every problem of an approach's document, named as ``approach SLUG`` (or ``shown``)."""
    check = Checker(shown or f"approach {slug}")
    for key in sorted(set(document) - KEYS):
        check.error(key, f"unknown key; known: {', '.join(sorted(KEYS))}")
    kind = document.get("kind", "approach")
    if kind not in KINDS:
        check.error("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    state = document.get("state", "draft")
    if state not in STATES:
        check.error("state", f"{state!r} is not one of {', '.join(STATES)}")
    for key in ("organisation", "contact"):
        check.one_line(check.text(document, key, "", required=False), key)
    _each(check, document, "countries", normalise_country)
    _each(check, document, "interests", normalise_interest)
    for index, link in enumerate(check.strings(document, "links")):
        if not is_web_url(link.strip()):
            check.error(f"links[{index}]", f"{link!r} is not an http(s) link")
    image = check.text(document, "image", "", required=False).strip()
    if image and not is_web_url(image):
        check.error("image", f"{image!r} is not an http(s) URL")
    _content(check, document, has_image=bool(image))
    if kind == "event":
        _when(check, document, ("starts_at", "ends_at"))
        registration = check.text(document, "registration", "", required=False).strip()
        if registration and not is_web_url(registration):
            check.error("registration", f"{registration!r} is not an http(s) link")
    elif kind == "call":
        _when(check, document, ("deadline",))
    else:
        for key in sorted(set(document) & {*EVENT_FIELDS, *CALL_FIELDS}):
            check.warning(key, f"only an event or a call has {key}; this is a {kind}")
    return check.problems


def _each(check: Checker, document: Mapping[str, Any], key: str, normalise: Any) -> None:
    for value in check.strings(document, key):
        try:
            normalise(value)
        except InvalidValue as exc:
            check.error(key, exc.message)


def _content(check: Checker, document: Mapping[str, Any], *, has_image: bool) -> None:
    content = document.get("content", {})
    if not isinstance(content, Mapping) or not content:
        check.error("content", "needs a title and summary in at least one language: [content.en]")
        return
    for tag, entry in content.items():
        where = f"content.{tag}"
        try:
            normalise_language(tag)
        except InvalidValue as exc:
            check.error(where, exc.message)
            continue
        if not isinstance(entry, Mapping):
            check.error(where, "must be a table")
            continue
        for key in sorted(set(entry) - set(TEXT_FIELDS)):
            check.error(f"{where}.{key}", f"unknown key; known: {', '.join(TEXT_FIELDS)}")
        check.one_line(check.text(entry, "title", where), f"{where}.title")
        check.text(entry, "summary", where)
        alt = check.one_line(
            check.text(entry, "image_alt", where, required=False), f"{where}.image_alt"
        )
        if has_image and not alt:
            check.warning(f"{where}.image_alt", "the image needs alt text in every language")


def _when(check: Checker, document: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        value = check.text(document, key, "")
        if value and local_datetime(value) is None:
            check.error(key, f"{value!r} is not a local date and time like 2027-01-20T14:00")
    zone = check.text(document, "timezone", "")
    if zone and not is_zone(zone):
        check.error("timezone", f"{zone!r} is not an IANA time zone like Europe/Belgrade")
    starts, ends = document.get("starts_at"), document.get("ends_at")
    if isinstance(starts, str) and isinstance(ends, str):
        start, end = local_datetime(starts), local_datetime(ends)
        if start and end and end <= start:
            check.error("ends_at", "must be after starts_at")


def local_datetime(value: str) -> datetime | None:
    """A local ISO date and time without an offset, or None."""
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return None
    return found if found.tzinfo is None else None


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def as_item(slug: str, document: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[[items]]`` entry an approach gives an issue (before the item's own overrides):
    its id is the slug, its link the first of ``links``; events and calls keep their times."""
    item: dict[str, Any] = {"id": slug}
    links = document.get("links")
    if isinstance(links, list) and links and isinstance(links[0], str):
        item["link"] = links[0]
    for key in ("image", "countries", "interests"):
        if key in document:
            item[key] = document[key]
    kind = kind_of(document)
    if kind != "approach":
        item["kind"] = kind
        for key in EVENT_FIELDS if kind == "event" else CALL_FIELDS:
            if key in document:
                item[key] = document[key]
    content = document.get("content")
    if isinstance(content, Mapping):
        # in one order whatever order the document's keys came in (PostgreSQL's JSONB keeps
        # none): the resolved text, and so the hash an approval names, must not depend on it
        item["content"] = {
            language: {k: entry[k] for k in TEXT_FIELDS if k in entry}
            for language, entry in sorted(content.items())
            if isinstance(entry, Mapping)
        }
    return item


def from_item(item: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """An approach's document made from an issue's ``[[items]]`` entry (``extra`` adds keys,
    e.g. ``state``, ``organisation``): how a library starts from issues already written."""
    document: dict[str, Any] = {"kind": "approach", "state": "published", **extra}
    if isinstance(item.get("link"), str):
        document["links"] = [item["link"]]
    for key in ("countries", "interests", "image"):
        if key in item:
            document[key] = item[key]
    content = item.get("content")
    if isinstance(content, Mapping):
        document["content"] = {
            language: {k: v for k, v in entry.items() if k in TEXT_FIELDS}
            for language, entry in content.items()
            if isinstance(entry, Mapping)
        }
    return document
