"""The counts each report shows, read in one transaction so that they agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mailer.core.subscribers import STATUSES
from mailer.db import Database
from mailer.db import counts as queries


@dataclass(frozen=True)
class Stats:
    """The API's ``/stats``."""

    by_status: dict[str, int]  # every status, 0 when nobody has it
    by_country: dict[str, int]  # ISO code (``-`` unknown), most first
    by_language: dict[str, int]  # BCP 47 tag (``-`` unknown), most first
    deliveries: dict[str, int]  # every campaign's deliveries by state
    bounces: dict[str, int]  # bounce and complaint events by kind


def stats(database: Database, *, status: str | None) -> Stats:
    """Counts for a dashboard; ``status`` chooses whom the country and language counts cover
    (None: everyone)."""
    with database.read() as conn:
        by_status = queries.subscribers_by(conn, "status")
        by_country = queries.subscribers_by(conn, "country", status=status)
        by_language = queries.subscribers_by(conn, "language", status=status)
        deliveries = queries.deliveries_by_state(conn)
        events = queries.bounce_events_by_kind(conn)
    bounces: dict[str, int] = {}
    for kind, _source, n in events:
        bounces[kind] = bounces.get(kind, 0) + n
    return Stats(
        by_status={name: by_status.get(name, 0) for name in STATUSES},
        by_country=by_country,
        by_language=by_language,
        deliveries=deliveries,
        bounces=bounces,
    )


@dataclass(frozen=True)
class Scrape:
    """What ``/metrics`` reports at one moment."""

    deliveries: list[tuple[str, str, int]]  # (campaign slug, state, count)
    sent_recently: int  # messages accepted in the rate window
    bounces: list[tuple[str, str, int]]  # (kind, source, count)
    occurrences: list[tuple[str, str, int]]  # (series, state, count)


def scrape(database: Database, *, now: datetime, rate_window: timedelta) -> Scrape:
    """Deliveries of the campaigns sending, paused or finished in the last week; messages sent
    in the last ``rate_window``; every bounce event; every occurrence."""
    with database.read() as conn:
        return Scrape(
            deliveries=queries.deliveries_by_campaign(conn, since=now - timedelta(days=7)),
            sent_recently=queries.deliveries_sent_since(conn, now - rate_window),
            bounces=queries.bounce_events_by_kind(conn),
            occurrences=queries.occurrences_by_state(conn),
        )


@dataclass(frozen=True)
class Audience:
    """Active subscribers per country and per interest, most first."""

    by_country: dict[str, int]
    by_interest: dict[str, int]


def active_audience(database: Database) -> Audience:
    with database.read() as conn:
        return Audience(
            by_country=queries.subscribers_by(conn, "country", status="active"),
            by_interest=queries.subscribers_by_interest(conn, status="active"),
        )


def subscribers_by_status(database: Database) -> dict[str, int]:
    """How many subscribers have each status, every status present (0 when none)."""
    with database.read() as conn:
        found = queries.subscribers_by(conn, "status")
    return {status: found.get(status, 0) for status in STATUSES}
