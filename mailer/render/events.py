"""How an event's time and a call's deadline read in one variant: the reader's zone (from
their country, ``VariantKey.zone``) and the organiser's, in the reader's language (Babel).

A reader whose country's zone is unknown, and the archive and language previews (no reader),
see the organiser's time only. When the reader's wall-clock times are the organiser's (Skopje
and Belgrade), one line says so instead of two.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, get_timezone_location

from mailer.core.campaign_items import Item
from mailer.core.events import Event
from mailer.render.catalogs import locale_name

TIME = "HH:mm"  # 24-hour clock: every country of the network reads time this way


def babel_locale(language: str) -> Locale:
    """The Babel locale of a BCP 47 tag (``sr-Latn`` → ``sr_Latn``); English when unknown."""
    try:
        return Locale.parse(locale_name(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def place(zone: str, locale: Locale) -> str:
    """The zone's city in the reader's language: ``Бишкек``."""
    return str(get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True))


def span(event: Event, zone: str, locale: Locale) -> str:
    """``Wednesday, January 20, 2027, 19:00–21:00`` in ``zone``; an event that ends another
    day there names both days."""
    tz = ZoneInfo(zone)
    start, end = event.start.astimezone(tz), event.end.astimezone(tz)
    start_time = format_datetime(start, TIME, tzinfo=tz, locale=locale)
    end_time = format_datetime(end, TIME, tzinfo=tz, locale=locale)
    day = format_date(start.date(), "full", locale=locale)
    if start.date() == end.date():
        return f"{day}, {start_time}–{end_time}"
    return f"{day}, {start_time} – {format_date(end.date(), 'full', locale=locale)}, {end_time}"


def event_lines(event: Event, zone: str, language: str, strings: Mapping[str, str]) -> list[str]:
    """The lines saying when ``event`` is, for a reader in ``zone`` ("" when unknown)."""
    locale = babel_locale(language)
    organiser = span(event, event.timezone, locale)
    theirs = span(event, zone, locale) if zone else organiser
    if not zone or theirs == organiser:
        where = place(zone or event.timezone, locale)
        return [strings["event_time"].format(when=theirs, place=where)]
    return [
        strings["event_your_time"].format(when=theirs, place=place(zone, locale)),
        strings["event_organiser_time"].format(when=organiser, place=place(event.timezone, locale)),
    ]


def deadline_date(moment: datetime, zone: str, language: str) -> str:
    """The local date in ``zone`` of an aware ``moment``, in the reader's language."""
    return format_date(
        moment.astimezone(ZoneInfo(zone)).date(), "full", locale=babel_locale(language)
    )


def timing_context(
    item: Item, zone: str, language: str, strings: Mapping[str, str], calendar_url: str
) -> dict[str, Any]:
    """What the layout shows of an item's kind: ``event`` (lines, registration and calendar
    links) or ``call`` (the deadline line); both None for an approach."""
    if item.event is not None:
        return {
            "kind": "event",
            "call": None,
            "label": strings["event_label"],
            "event": {
                "lines": event_lines(item.event, zone, language, strings),
                "registration": item.event.registration,
                "calendar": calendar_url,
            },
        }
    if item.call is not None:
        date = deadline_date(item.call.closes, zone or item.call.timezone, language)
        return {
            "kind": "call",
            "event": None,
            "label": strings["call_label"],
            "call": {"deadline": strings["call_deadline"].format(date=date)},
        }
    return {"kind": item.kind, "label": "", "event": None, "call": None}
