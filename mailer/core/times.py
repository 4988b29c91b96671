"""Timestamps: every one is stored as naive UTC and shown as ISO 8601 with a ``Z``; local
wall-clock times (a series' time of day, a one-off's ``send_at``) become instants by one rule.

The daylight-saving rule, the same for series and one-off campaigns:

- a time that does not exist that day (clocks jump 02:00 → 03:00, the campaign says 02:30)
  is read with the offset from before the jump, so it lands as much later as the clocks
  jumped: 03:30 new time;
- a time that happens twice (clocks fall back 03:00 → 02:00, the campaign says 02:30) is the
  first of its two instants (PEP 495 ``fold=0``, still on summer time).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def aware_utc(moment: datetime) -> datetime:
    """A stored (naive UTC) timestamp as an aware one in UTC; an aware one converted to UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def epoch_seconds(moment: datetime) -> int:
    """Whole seconds since 1970 of a naive-UTC (or aware) moment: DKIM's ``t=`` tag."""
    return int(aware_utc(moment).timestamp())


def iso_utc(value: datetime | None) -> str | None:
    """``2026-11-28T09:00:00Z`` for a stored (naive UTC) timestamp; ``None`` stays ``None``."""
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def local_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant a naive local ``wall`` time names in ``zone``, by the rule above, as an
    aware time in ``zone`` (the round trip through UTC gives the normal form)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)
