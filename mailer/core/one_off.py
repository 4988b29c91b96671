"""One-off campaigns: an issue sent once at its ``send_at``, through the series' occurrence path.

A campaign folder with ``send_at`` (local, in its ``timezone``, UTC when none) and no ``series``,
or a campaign staff scheduled in the web UI, is an occurrence of the pseudo-series
``once:<slug>`` whose period is the local send time (``2026-12-01T09:00``). Claiming it is the
same INSERT on UNIQUE(series, period) a series uses, so it goes out once whatever fires it, is
skipped and reported past its deadline (``deadline``, 6 hours unless the campaign says), and
is missed and reported when it is not approved by then.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from mailer.core.times import local_instant

PREFIX: Final = "once:"
DEFAULT_DEADLINE: Final = timedelta(hours=6)


def series_key(slug: str) -> str:
    return f"{PREFIX}{slug}"


def slug_of(series: str) -> str | None:
    """The campaign slug of a one-off's pseudo-series; None for a real series."""
    return series.removeprefix(PREFIX) if series.startswith(PREFIX) else None


def period_key(local: datetime) -> str:
    """The period of a one-off: its local send time to the minute (16 characters)."""
    return local.strftime("%Y-%m-%dT%H:%M")


def to_utc(local: datetime, timezone: str | None) -> datetime:
    """A naive local ``send_at`` in ``timezone`` (UTC when None) as naive UTC, by the
    daylight-saving rule of ``mailer.core.times`` (the one series follow)."""
    instant = local_instant(local, ZoneInfo(timezone or "UTC"))
    return instant.astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime, timezone: str | None) -> datetime:
    """Naive UTC as a naive local time in ``timezone`` (UTC when None)."""
    return utc.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone or "UTC")).replace(tzinfo=None)


def period_mismatch(period: object, local: datetime) -> str | None:
    """The period ``local`` (a naive local send time) falls in, when an issue written for
    ``period`` (``2027-01`` or ``2027-01-05``, from its ``period`` key) would go out in another
    one; None when they agree or the issue names no period this can check."""
    if not isinstance(period, str):
        return None
    text = period.strip()
    if len(text) == 7 and text[4] == "-":
        at = f"{local.year:04d}-{local.month:02d}"
    elif len(text) == 10 and text[4] == "-" and text[7] == "-":
        at = f"{local:%Y-%m-%d}"
    else:
        return None
    return None if at == text else at
