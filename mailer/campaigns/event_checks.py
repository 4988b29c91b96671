"""Lint's look at an issue's events and calls: warnings for an event that has started, or a
call that has closed, by the time the issue is planned to go out (docs/events.md).

The planned send is the first of: the time staff scheduled (it wins, as for sending), the
issue's own ``send_at`` in its ``timezone``, the occurrence of its series for its ``period``
(read from ``<series_dir>/<series>.series.toml``). No planned time, no warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from mailer.campaigns.recurrence import next_after
from mailer.campaigns.series_files import SUFFIX, load_series
from mailer.core.campaigns import Campaign
from mailer.core.events import started_before
from mailer.core.problems import Problem
from mailer.core.series import period_of
from mailer.core.times import aware_utc, iso_utc, local_instant
from mailer.db import Database, campaigns
from mailer.errors import MailerError


def planned_send(
    campaign: Campaign, database: Database, series_dir: Path | None = None
) -> tuple[datetime, str] | None:
    """When the issue is planned to go out (aware) and how a warning names it."""
    with database.read() as conn:
        stored = campaigns.find(conn, campaign.slug)
    if stored is not None and stored.state == "scheduled" and stored.send_at is not None:
        return aware_utc(stored.send_at), f"the scheduled send at {iso_utc(stored.send_at)}"
    if campaign.send_at is not None:
        zone = campaign.timezone or "UTC"
        planned = f"the planned send at {campaign.send_at:%Y-%m-%d %H:%M} {zone}"
        return local_instant(campaign.send_at, ZoneInfo(zone)), planned
    return _occurrence(campaign, series_dir)


def _occurrence(campaign: Campaign, series_dir: Path | None) -> tuple[datetime, str] | None:
    name, period = campaign.extra.get("series"), campaign.extra.get("period")
    if series_dir is None or not isinstance(name, str) or not isinstance(period, str):
        return None
    try:
        series = load_series(series_dir / f"{name}{SUFFIX}")
        first_day = datetime.fromisoformat(period if period.count("-") == 2 else f"{period}-01")
    except (MailerError, ValueError):  # the series' own problems are reported elsewhere
        return None
    start = local_instant(first_day, series.zone) - timedelta(microseconds=1)
    moment = next_after(series, start)
    if moment is None or period_of(series, moment) != period:
        return None
    shown = f"the {name} series' send at {moment:%Y-%m-%d %H:%M} {series.timezone}"
    return moment, shown


def timing_problems(
    campaign: Campaign, database: Database, series_dir: Path | None = None
) -> Iterator[Problem]:
    """Warnings for events that have started, and calls that have closed, by the send."""
    if not any(item.kind != "approach" for item in campaign.items):
        return
    found = planned_send(campaign, database, series_dir)
    if found is None:
        return
    send, planned = found
    for index, item in enumerate(campaign.items):
        where = f"items[{index}] ({item.id})"
        if item.event is not None and started_before(item.event, send):
            shown = f"{item.event.starts_at:%Y-%m-%d %H:%M} {item.event.timezone}"
            message = f"the event starts {shown}, before {planned}: readers get it too late"
            yield Problem("warning", campaign.file, f"{where}.starts_at", message)
        if item.call is not None and item.call.closes <= send:
            shown = f"{item.call.deadline:%Y-%m-%d %H:%M} {item.call.timezone}"
            message = f"the call closes {shown}, before {planned}: readers cannot apply"
            yield Problem("warning", campaign.file, f"{where}.deadline", message)
