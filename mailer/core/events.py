"""Webinars and calls among an issue's items: their times, and the checks of them.

An item's ``kind`` is ``approach`` (the default), ``event`` (a webinar or meeting: ``starts_at``,
``ends_at``, ``timezone``, ``registration``) or ``call`` (a call for proposals or partners:
``deadline`` and ``timezone``). Times are written as local wall-clock times in the organiser's
IANA ``timezone`` (``"2027-01-20T14:00"``); readers see them in their own zone
(``mailer.core.zones``). The same field names are used by approach-library entries, so an entry
passes straight into an item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mailer.core.problems import Checker
from mailer.core.times import local_instant

KINDS: Final = ("approach", "event", "call")
EVENT_KEYS: Final = frozenset({"starts_at", "ends_at", "timezone", "registration"})
CALL_KEYS: Final = frozenset({"deadline", "timezone"})
TIMING_KEYS: Final = frozenset({"kind", *EVENT_KEYS, *CALL_KEYS})


@dataclass(frozen=True)
class Event:
    """A webinar or meeting; ``starts_at``/``ends_at`` are local to ``timezone``."""

    starts_at: datetime
    ends_at: datetime
    timezone: str
    registration: str

    @property
    def start(self) -> datetime:
        """The start as an aware time in UTC."""
        return local_instant(self.starts_at, ZoneInfo(self.timezone)).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return local_instant(self.ends_at, ZoneInfo(self.timezone)).astimezone(UTC)


@dataclass(frozen=True)
class Call:
    """A call for proposals; ``deadline`` is local to ``timezone``."""

    deadline: datetime
    timezone: str

    @property
    def closes(self) -> datetime:
        """The deadline as an aware time in UTC."""
        return local_instant(self.deadline, ZoneInfo(self.timezone)).astimezone(UTC)


@dataclass(frozen=True)
class Timing:
    kind: str = "approach"
    event: Event | None = None
    call: Call | None = None


def check_timing(check: Checker, entry: Mapping[str, Any], where: str) -> Timing:
    """The item's kind and times; every mistake is reported with its key."""
    kind = entry.get("kind", "approach")
    if kind not in KINDS:
        check.error(f"{where}.kind", f"{kind!r} is not a kind; write one of {', '.join(KINDS)}")
        return Timing()
    allowed = {"event": EVENT_KEYS, "call": CALL_KEYS}.get(kind, frozenset())
    for key in sorted((TIMING_KEYS - {"kind"} - allowed) & set(entry)):
        check.error(f"{where}.{key}", f"is for another kind of item, not for kind = {kind!r}")
    if kind == "approach":
        return Timing()
    zone = _zone(check, entry, where)
    if kind == "call":
        deadline = _local(check, entry, where, "deadline")
        if deadline is None or zone is None:
            return Timing(kind)
        return Timing(kind, call=Call(deadline, zone))
    starts_at = _local(check, entry, where, "starts_at")
    ends_at = _local(check, entry, where, "ends_at")
    registration = check.text(entry, "registration", where).strip()
    if registration and not registration.startswith(("https://", "http://")):
        check.error(f"{where}.registration", f"{registration!r} is not an http(s) link")
    if starts_at is None or ends_at is None or zone is None:
        return Timing(kind)
    event = Event(starts_at, ends_at, zone, registration)
    if event.end <= event.start:
        check.error(f"{where}.ends_at", "is not after starts_at; an event must end after it starts")
    return Timing(kind, event=event)


def _zone(check: Checker, entry: Mapping[str, Any], where: str) -> str | None:
    name = check.text(entry, "timezone", where).strip()
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        check.error(
            f"{where}.timezone",
            f"{name!r} is not an IANA time zone such as Europe/Belgrade (the organiser's)",
        )
        return None
    return name


def _local(check: Checker, entry: Mapping[str, Any], where: str, key: str) -> datetime | None:
    raw = entry.get(key)
    if raw is None:
        check.error(f"{where}.{key}", "is missing")
        return None
    if isinstance(raw, datetime):
        return raw.replace(tzinfo=None)
    if isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw.strip())
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None and "T" in raw:
                return parsed
    check.error(
        f"{where}.{key}",
        f"{raw!r} must be a local date and time such as 2027-01-20T14:00 (in timezone)",
    )
    return None


def started_before(event: Event, moment: datetime) -> bool:
    """Whether ``event`` has started by ``moment`` (aware, or naive UTC)."""
    at = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return event.start <= at
