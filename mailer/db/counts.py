"""Counts of what is stored: subscribers, deliveries, bounce events and series occurrences, each
grouped one way by one named query. Read-only, no locks; the reports use case
(``mailer/reports``) shapes them for the API's ``/stats``, ``/metrics``, the staff dashboard
and the demo.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from mailer.db.schema import (
    bounce_event,
    campaign,
    delivery,
    interest,
    occurrence,
    subscriber,
    subscriber_interest,
)

SubscriberColumn = Literal["status", "country", "language"]
_SUBSCRIBER_COLUMNS = {
    "status": subscriber.c.status,
    "country": subscriber.c.country,
    "language": subscriber.c.language,
}
# deliveries of these campaigns are counted whenever they finished
UNFINISHED = ("sending", "paused")


def subscribers_by(
    conn: sa.Connection, column: SubscriberColumn, *, status: str | None = None
) -> dict[str, int]:
    """Reads ``subscriber``: how many (of ``status``, everyone when None) have each value of
    ``column``, ``-`` for unknown, most first; values nobody has are left out."""
    value = sa.func.coalesce(_SUBSCRIBER_COLUMNS[column], "-").label("value")
    query = sa.select(value, sa.func.count().label("n")).group_by(value)
    if status is not None:
        query = query.where(subscriber.c.status == status)
    rows = conn.execute(query.order_by(sa.desc("n"), value))
    return {str(row.value): int(row.n) for row in rows}


def subscribers_by_interest(conn: sa.Connection, *, status: str = "active") -> dict[str, int]:
    """Reads ``subscriber`` and ``subscriber_interest``: how many subscribers of ``status`` follow
    each interest, most first."""
    query = (
        sa.select(interest.c.name, sa.func.count().label("n"))
        .select_from(interest.join(subscriber_interest).join(subscriber))
        .where(subscriber.c.status == status)
        .group_by(interest.c.name)
        .order_by(sa.desc("n"), interest.c.name)
    )
    return {str(row.name): int(row.n) for row in conn.execute(query)}


def count_where(conn: sa.Connection, where: sa.ColumnElement[bool]) -> int:
    """Reads ``subscriber`` (and what ``where`` names): how many match ``where``."""
    query = sa.select(sa.func.count()).select_from(subscriber).where(where)
    return int(conn.execute(query).scalar_one())


def subscribers_by_where(
    conn: sa.Connection, column: SubscriberColumn, where: sa.ColumnElement[bool]
) -> dict[str, int]:
    """Reads ``subscriber``: of those matching ``where``, how many have each value of
    ``column``, ``-`` for unknown, most first."""
    value = sa.func.coalesce(_SUBSCRIBER_COLUMNS[column], "-").label("value")
    query = sa.select(value, sa.func.count().label("n")).where(where).group_by(value)
    rows = conn.execute(query.order_by(sa.desc("n"), value))
    return {str(row.value): int(row.n) for row in rows}


def interests_where(conn: sa.Connection, where: sa.ColumnElement[bool]) -> dict[str, int]:
    """Reads ``subscriber``, ``subscriber_interest`` and ``interest``: of those matching
    ``where``, how many follow each interest, most first."""
    matching = sa.select(subscriber.c.id).where(where).scalar_subquery()
    query = (
        sa.select(interest.c.name, sa.func.count().label("n"))
        .select_from(interest.join(subscriber_interest))
        .where(subscriber_interest.c.subscriber_id.in_(matching))
        .group_by(interest.c.name)
        .order_by(sa.desc("n"), interest.c.name)
    )
    return {str(row.name): int(row.n) for row in conn.execute(query)}


def interest_names(conn: sa.Connection) -> list[str]:
    """Reads ``interest``: every interest's name, alphabetically."""
    return list(conn.execute(sa.select(interest.c.name).order_by(interest.c.name)).scalars())


def deliveries_by_state(conn: sa.Connection) -> dict[str, int]:
    """Reads ``delivery``: rows of every campaign per state, by state name."""
    query = sa.select(delivery.c.state, sa.func.count()).group_by(delivery.c.state)
    return {str(state): int(n) for state, n in conn.execute(query.order_by(delivery.c.state))}


def deliveries_by_campaign(conn: sa.Connection, *, since: datetime) -> list[tuple[str, str, int]]:
    """Reads ``delivery`` and ``campaign``: (slug, state, count) of the campaigns sending or
    paused, or finished since ``since``, by slug and state."""
    query = (
        sa.select(campaign.c.slug, delivery.c.state, sa.func.count())
        .select_from(delivery.join(campaign, campaign.c.id == delivery.c.campaign_id))
        .where(sa.or_(campaign.c.state.in_(UNFINISHED), campaign.c.finished_at >= since))
        .group_by(campaign.c.slug, delivery.c.state)
        .order_by(campaign.c.slug, delivery.c.state)
    )
    return [(slug, state, int(n)) for slug, state, n in conn.execute(query)]


def deliveries_sent_since(conn: sa.Connection, since: datetime) -> int:
    """Reads ``delivery``: messages a relay accepted at or after ``since``."""
    query = sa.select(sa.func.count()).where(
        delivery.c.state == "sent", delivery.c.sent_at >= since
    )
    return int(conn.execute(query).scalar_one())


def bounce_events_by_kind(conn: sa.Connection) -> list[tuple[str, str, int]]:
    """Reads ``bounce_event``: (kind, source, count) over every recorded bounce and complaint,
    by kind and source."""
    query = (
        sa.select(bounce_event.c.kind, bounce_event.c.source, sa.func.count())
        .group_by(bounce_event.c.kind, bounce_event.c.source)
        .order_by(bounce_event.c.kind, bounce_event.c.source)
    )
    return [(kind, source, int(n)) for kind, source, n in conn.execute(query)]


def occurrences_by_state(conn: sa.Connection) -> list[tuple[str, str, int]]:
    """Reads ``occurrence``: (series, state, count), by series and state."""
    query = (
        sa.select(occurrence.c.series, occurrence.c.state, sa.func.count())
        .group_by(occurrence.c.series, occurrence.c.state)
        .order_by(occurrence.c.series, occurrence.c.state)
    )
    return [(series, state, int(n)) for series, state, n in conn.execute(query)]
