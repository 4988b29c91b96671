"""The translated parts of a campaign: its content per language and its items, and their checks.

``check_content`` and ``check_items`` read the ``[content.<language>]`` tables and the
``[[items]]`` of ``campaign.toml``; every translation the campaign's languages need must be
there, and every header-bound text (subjects, titles, alt text) must stay on one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mailer.core.events import TIMING_KEYS, Call, Event, Timing, check_timing
from mailer.core.problems import Checker
from mailer.core.subscribers import normalise_country, normalise_interest, normalise_language
from mailer.errors import InvalidValue

MAX_SUBJECT = 150
ITEM_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
ITEM_KEYS = frozenset({"id", "link", "image", "countries", "interests", "content", *TIMING_KEYS})
# an item may refer to an approach of the library (``mailer.core.approach_refs``); the
# resolved item no longer has the key
REFERENCE_KEYS = frozenset({"approach"})


@dataclass(frozen=True)
class Content:
    subject: str
    preheader: str
    intro: str


@dataclass(frozen=True)
class ItemContent:
    title: str
    summary: str
    image_alt: str


@dataclass(frozen=True)
class Item:
    id: str
    link: str
    image: str | None
    countries: frozenset[str]
    interests: frozenset[str]
    content: Mapping[str, ItemContent]
    timing: Timing = field(default_factory=Timing)  # an event's or a call's times

    @property
    def kind(self) -> str:
        return self.timing.kind

    @property
    def event(self) -> Event | None:
        return self.timing.event

    @property
    def call(self) -> Call | None:
        return self.timing.call


def is_web_url(value: str) -> bool:
    return value.startswith(("https://", "http://")) and len(value) > 8 and " " not in value


def check_content(
    check: Checker, data: Mapping[str, Any], languages: list[str]
) -> dict[str, Content]:
    raw = data.get("content", {})
    if not isinstance(raw, Mapping):
        check.error("content", "must be a table of languages: [content.en]")
        return {}
    by_language = _by_language(check, raw, "content")
    out: dict[str, Content] = {}
    for language in languages:
        where = f"content.{language}"
        entry = by_language.get(language)
        if entry is None:
            check.error(where, f"missing translation: no content for {language}")
            continue
        for key in sorted(set(entry) - {"subject", "preheader", "intro", "greeting"}):
            check.error(f"{where}.{key}", "unknown key; known: subject, preheader, intro")
        subject = check.one_line(check.text(entry, "subject", where), f"{where}.subject")
        if len(subject) > MAX_SUBJECT:
            check.error(
                f"{where}.subject", f"is {len(subject)} characters; keep it under {MAX_SUBJECT}"
            )
        preheader = check.one_line(
            check.text(entry, "preheader", where, required=False), f"{where}.preheader"
        )
        if not preheader:
            check.warning(
                f"{where}.preheader", "is missing; mail clients then show the first words"
            )
        intro = check.text(entry, "intro", where)
        out[language] = Content(subject=subject, preheader=preheader, intro=intro)
    for language in sorted(set(by_language) - set(languages)):
        check.warning(f"content.{language}", f"{language} is not in languages, so nobody reads it")
    return out


def _by_language(
    check: Checker, raw: Mapping[str, Any], where: str
) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for tag, entry in raw.items():
        try:
            language = normalise_language(tag)
        except InvalidValue as exc:
            check.error(f"{where}.{tag}", exc.message)
            continue
        if not isinstance(entry, Mapping):
            check.error(f"{where}.{tag}", "must be a table")
            continue
        out[language] = entry
    return out


def check_items(check: Checker, data: Mapping[str, Any], languages: list[str]) -> list[Item]:
    raw = data.get("items", [])
    if not isinstance(raw, list):
        check.error("items", "must be [[items]] tables")
        return []
    items: list[Item] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        where = f"items[{index}]"
        if not isinstance(entry, Mapping):
            check.error(where, "must be a table")
            continue
        item_id = check.text(entry, "id", where)
        if item_id:
            where = f"items[{index}] ({item_id})"
            if not ITEM_ID.fullmatch(item_id):
                check.error(f"{where}.id", "must be lower-case letters, digits and hyphens")
            if item_id in seen:
                check.error(f"{where}.id", "is used by another item")
            seen.add(item_id)
        for key in sorted(set(entry) - ITEM_KEYS - REFERENCE_KEYS):
            known = ", ".join(sorted(ITEM_KEYS | REFERENCE_KEYS))
            check.error(f"{where}.{key}", f"unknown key; known: {known}")
        link = check.text(entry, "link", where).strip()
        if link and not is_web_url(link):
            check.error(f"{where}.link", f"{link!r} is not an http(s) link")
        image = check.text(entry, "image", where, required=False).strip() or None
        if image and not is_web_url(image):
            check.error(f"{where}.image", f"{image!r} is not an http(s) URL")
        countries = _normalised(check, entry, where, "countries", normalise_country)
        interests = _normalised(check, entry, where, "interests", normalise_interest)
        content = _item_content(check, entry, where, languages, image is not None)
        timing = check_timing(check, entry, where)
        items.append(Item(item_id, link, image, countries, interests, content, timing))
    return items


def _normalised(
    check: Checker,
    entry: Mapping[str, Any],
    where: str,
    key: str,
    normalise: Callable[[str], str],
) -> frozenset[str]:
    out = set()
    for value in check.strings(entry, key):
        try:
            out.add(normalise(value))
        except InvalidValue as exc:
            check.error(f"{where}.{key}", exc.message)
    return frozenset(out)


def _item_content(
    check: Checker, entry: Mapping[str, Any], where: str, languages: list[str], has_image: bool
) -> dict[str, ItemContent]:
    raw = entry.get("content", {})
    if not isinstance(raw, Mapping):
        check.error(f"{where}.content", "must be a table of languages: [items.content.en]")
        return {}
    by_language = _by_language(check, raw, f"{where}.content")
    out: dict[str, ItemContent] = {}
    for language in languages:
        key = f"{where}.content.{language}"
        text = by_language.get(language)
        if text is None:
            check.error(key, f"missing translation: no {language} text for this item")
            continue
        title = check.one_line(check.text(text, "title", key), f"{key}.title")
        summary = check.text(text, "summary", key)
        image_alt = check.one_line(
            check.text(text, "image_alt", key, required=False), f"{key}.image_alt"
        )
        if has_image and not image_alt:
            check.error(f"{key}.image_alt", "the image needs alt text in every language")
        out[language] = ItemContent(title=title, summary=summary, image_alt=image_alt)
    return out
