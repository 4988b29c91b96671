"""A newsletter issue as staff write it in ``campaigns/<slug>/campaign.toml``, and its checks.

``parse_campaign`` turns the TOML data into a ``Campaign`` and a list of ``Problem``s, each
naming the file and the key, so ``mailer campaign lint`` can report every mistake at once. The
content and items (translations, links, images) are read by ``mailer.core.campaign_items``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import astuple, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mailer.core.campaign_items import Content, Item, ItemContent, check_content, check_items
from mailer.core.deadlines import check_deadline, check_notify
from mailer.core.problems import Checker, Problem
from mailer.core.segment_parser import parse_segment
from mailer.core.subscribers import normalise_language
from mailer.core.transliterate import is_serbian_latin, serbian_latin
from mailer.errors import InvalidValue, SegmentSyntaxError

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
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


def parse_campaign(
    slug: str, data: Mapping[str, Any], file: str
) -> tuple[Campaign | None, list[Problem]]:
    """The campaign and every problem found; ``None`` when it cannot be used at all."""
    check = Checker(file)
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
    content = check_content(check, data, languages)
    items = check_items(check, data, languages)
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
    return with_latin_serbian(campaign), check.problems


LATIN_SERBIAN = "sr-Latn"


def with_latin_serbian(campaign: Campaign) -> Campaign:
    """The issue with a Latin Serbian edition made from its Cyrillic one (``sr`` or
    ``sr-Cyrl``) by the standard transliteration, right after it, unless it has its own
    ``sr-Latn`` text: a reader who chose ``sr-Latn`` is never sent Cyrillic."""
    if any(is_serbian_latin(tag) for tag in campaign.languages):
        return campaign
    cyrillic = next((t for t in campaign.languages if t.casefold() in {"sr", "sr-cyrl"}), None)
    if cyrillic is None or cyrillic not in campaign.content:
        return campaign
    at = campaign.languages.index(cyrillic) + 1
    languages = (*campaign.languages[:at], LATIN_SERBIAN, *campaign.languages[at:])
    text = campaign.content[cyrillic]
    content = {
        **campaign.content,
        LATIN_SERBIAN: Content(*(serbian_latin(part) for part in astuple(text))),
    }
    items = tuple(
        replace(
            item,
            content={
                **item.content,
                LATIN_SERBIAN: ItemContent(*map(serbian_latin, astuple(item.content[cyrillic]))),
            },
        )
        if cyrillic in item.content
        else item
        for item in campaign.items
    )
    return replace(campaign, languages=languages, content=content, items=items)


def _languages(check: Checker, data: Mapping[str, Any]) -> list[str]:
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


def _fallback(check: Checker, data: Mapping[str, Any]) -> dict[str, str]:
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


def _schedule(check: Checker, data: Mapping[str, Any]) -> tuple[datetime | None, str | None]:
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
