"""A newsletter issue as staff write it in ``campaigns/<slug>/campaign.toml``, and its checks.

``parse_campaign`` turns the TOML data into a ``Campaign`` and a list of ``Problem``s, each
naming the file and the key, so ``mailer campaign lint`` can report every mistake at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mailer.core.deadlines import check_deadline, check_notify
from mailer.core.segment_parser import parse_segment
from mailer.core.subscribers import normalise_country, normalise_interest, normalise_language
from mailer.errors import InvalidValue, SegmentSyntaxError

Severity = Literal["error", "warning"]
MAX_SUBJECT = 150
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
ITEM_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?")  # RFC 2047: a reader would decode it
TOP_KEYS = frozenset(
    {
        "template",
        "from",
        "lists",
        "segment",
        "languages",
        "fallback",
        "send_at",
        "timezone",
        "approved",
        "min_items",
        "content",
        "items",
        "series",
        "period",
        "tracking",
        "deadline",
        "notify",
    }
)
ITEM_KEYS = frozenset({"id", "link", "image", "countries", "interests", "content"})


@dataclass(frozen=True)
class Problem:
    severity: Severity
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.key}: {self.message}"
            if self.key
            else f"{self.file}: {self.message}"
        )


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


@dataclass(frozen=True)
class Campaign:
    slug: str
    file: str
    template: str
    sender: str | None
    lists: tuple[str, ...]
    segment: str | None
    languages: tuple[str, ...]
    fallback: Mapping[str, str]
    send_at: datetime | None
    timezone: str | None
    approved: bool
    min_items: int
    content: Mapping[str, Content]
    items: tuple[Item, ...]
    tracking: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
    # a one-off send (``send_at``, no series): how late it may still go out, whom to tell
    deadline: timedelta | None = None
    notify: tuple[str, ...] = ()

    @property
    def default_language(self) -> str:
        return self.languages[0]


def is_web_url(value: str) -> bool:
    return value.startswith(("https://", "http://")) and len(value) > 8 and " " not in value


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem("error", self.file, key, message))

    def warning(self, key: str, message: str) -> None:
        self.problems.append(Problem("warning", self.file, key, message))

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        path = f"{where}.{key}" if where else key
        if value is None:
            if required:
                self.error(path, "is missing")
            return ""
        if not isinstance(value, str):
            self.error(path, f"must be text, not {type(value).__name__}")
            return ""
        return value

    def one_line(self, value: str, key: str) -> str:
        if _BREAK.search(value):
            self.error(
                key, "contains a line break or control character (it would start a new header)"
            )
        if _ENCODED_WORD.search(value):
            self.error(
                key,
                "contains an encoded-word (=?…?=); write the text itself, it is encoded when sent",
            )
        return value.strip()

    def strings(self, data: Mapping[str, Any], key: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, "must be a list of text")
            return []
        return value


def parse_campaign(
    slug: str, data: Mapping[str, Any], file: str
) -> tuple[Campaign | None, list[Problem]]:
    """The campaign and every problem found; ``None`` when it cannot be used at all."""
    check = _Checker(file)
    if not SLUG.fullmatch(slug):
        check.error("", f"folder name {slug!r} must be lower-case letters, digits and hyphens")
    for key in sorted(set(data) - TOP_KEYS):
        check.error(key, f"unknown key; known keys: {', '.join(sorted(TOP_KEYS))}")
    template = check.text(data, "template", "", required=False) or "newsletter"
    if not re.fullmatch(r"[a-z0-9_-]+", template):
        check.error("template", "must name a file in templates/ without extension, e.g. newsletter")
    sender = check.text(data, "from", "", required=False) or None
    if sender:
        check.one_line(sender, "from")
    lists = check.strings(data, "lists")
    if not lists:
        check.error("lists", "name at least one list to send to")
    segment = check.text(data, "segment", "", required=False).strip() or None
    if segment:
        try:
            parse_segment(segment)
        except SegmentSyntaxError as exc:
            check.error("segment", f"column {exc.column}: {exc.message}")
    languages = _languages(check, data)
    fallback = _fallback(check, data)
    send_at, timezone = _schedule(check, data)
    approved = data.get("approved", False)
    if not isinstance(approved, bool):
        check.error("approved", "must be true or false")
        approved = False
    min_items = data.get("min_items", 3)
    if not isinstance(min_items, int) or isinstance(min_items, bool) or min_items < 0:
        check.error("min_items", "must be a whole number, 0 or more")
        min_items = 3
    tracking = data.get("tracking", False)
    if not isinstance(tracking, bool):
        check.error("tracking", "must be true or false")
        tracking = False
    deadline = check_deadline(data["deadline"], check.error) if "deadline" in data else None
    notify = check_notify(data.get("notify", []), check.error)
    if "series" in data and ("deadline" in data or "notify" in data):
        check.warning(
            "deadline" if "deadline" in data else "notify",
            "an issue of a series takes its deadline and notify from the series file; "
            "this key is for one-off sends with send_at",
        )
    content = _content(check, data, languages)
    items = _items(check, data, languages)
    if not items:
        check.error("items", "an issue needs at least one item")
    if any(p.severity == "error" and p.key in {"languages", "content"} for p in check.problems):
        return None, check.problems
    campaign = Campaign(
        slug=slug,
        file=file,
        template=template,
        sender=sender,
        lists=tuple(lists),
        segment=segment,
        languages=tuple(languages),
        fallback=fallback,
        send_at=send_at,
        timezone=timezone,
        approved=approved,
        min_items=min_items,
        content=content,
        items=tuple(items),
        tracking=tracking,
        extra={k: data[k] for k in ("series", "period") if k in data},
        deadline=deadline,
        notify=notify,
    )
    return campaign, check.problems


def _languages(check: _Checker, data: Mapping[str, Any]) -> list[str]:
    raw = check.strings(data, "languages")
    if not raw:
        check.error("languages", "list at least one language; the first is the default")
    out: list[str] = []
    for index, tag in enumerate(raw):
        try:
            out.append(normalise_language(tag))
        except InvalidValue as exc:
            check.error(f"languages[{index}]", exc.message)
    return out


def _fallback(check: _Checker, data: Mapping[str, Any]) -> dict[str, str]:
    raw = data.get("fallback", {})
    if not isinstance(raw, Mapping):
        check.error("fallback", 'must be a table such as { "sr-Latn" = "sr" }')
        return {}
    out: dict[str, str] = {}
    for source, target in raw.items():
        try:
            if not isinstance(target, str):
                raise InvalidValue("language", "must be text")
            out[normalise_language(source)] = normalise_language(target)
        except InvalidValue as exc:
            check.error(f"fallback.{source}", exc.message)
    return out


def _schedule(check: _Checker, data: Mapping[str, Any]) -> tuple[datetime | None, str | None]:
    timezone = check.text(data, "timezone", "", required=False) or None
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            check.error(
                "timezone", f"{timezone!r} is not an IANA time zone such as Europe/Belgrade"
            )
            timezone = None
    raw = data.get("send_at")
    if raw is None:
        return None, timezone
    if isinstance(raw, datetime):
        return raw.replace(tzinfo=None), timezone
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw).replace(tzinfo=None), timezone
        except ValueError:
            pass
    check.error("send_at", "must be a local date and time such as 2026-12-01T09:00")
    return None, timezone


def _content(check: _Checker, data: Mapping[str, Any], languages: list[str]) -> dict[str, Content]:
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
    check: _Checker, raw: Mapping[str, Any], where: str
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


def _items(check: _Checker, data: Mapping[str, Any], languages: list[str]) -> list[Item]:
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
        for key in sorted(set(entry) - ITEM_KEYS):
            check.error(f"{where}.{key}", f"unknown key; known: {', '.join(sorted(ITEM_KEYS))}")
        link = check.text(entry, "link", where).strip()
        if link and not is_web_url(link):
            check.error(f"{where}.link", f"{link!r} is not an http(s) link")
        image = check.text(entry, "image", where, required=False).strip() or None
        if image and not is_web_url(image):
            check.error(f"{where}.image", f"{image!r} is not an http(s) URL")
        countries = _normalised(check, entry, where, "countries", normalise_country)
        interests = _normalised(check, entry, where, "interests", normalise_interest)
        content = _item_content(check, entry, where, languages, image is not None)
        items.append(Item(item_id, link, image, countries, interests, content))
    return items


def _normalised(
    check: _Checker,
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
    check: _Checker, entry: Mapping[str, Any], where: str, languages: list[str], has_image: bool
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
