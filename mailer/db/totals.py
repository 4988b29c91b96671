"""Counts the REST API's ``/stats`` reports: subscribers by status, country and language,
deliveries by state, bounce events by kind. Read-only, no locks."""

from __future__ import annotations

import sqlalchemy as sa

from mailer.db.schema import bounce_event, delivery, subscriber

_SUBSCRIBER_COLUMNS = {
    "status": subscriber.c.status,
    "country": subscriber.c.country,
    "language": subscriber.c.language,
}


def subscribers_by(conn: sa.Connection, column: str, *, status: str | None) -> dict[str, int]:
    """Subscribers (of ``status``, any when None) per value of ``column``, ``-`` for unknown,
    most first."""
    value = sa.func.coalesce(_SUBSCRIBER_COLUMNS[column], "-").label("value")
    query = sa.select(value, sa.func.count().label("n")).group_by(value)
    if status is not None:
        query = query.where(subscriber.c.status == status)
    rows = conn.execute(query.order_by(sa.desc("n"), value))
    return {str(row.value): int(row.n) for row in rows}


def deliveries_by_state(conn: sa.Connection) -> dict[str, int]:
    """Delivery rows of every campaign per state."""
    query = sa.select(delivery.c.state, sa.func.count()).group_by(delivery.c.state)
    return {str(state): int(n) for state, n in conn.execute(query.order_by(delivery.c.state))}


def bounces_by_kind(conn: sa.Connection) -> dict[str, int]:
    """Bounce and complaint events recorded, per kind."""
    query = sa.select(bounce_event.c.kind, sa.func.count()).group_by(bounce_event.c.kind)
    return {str(kind): int(n) for kind, n in conn.execute(query.order_by(bounce_event.c.kind))}
