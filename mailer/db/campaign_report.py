"""What a sent issue's report counts, each by one named query over ``delivery`` (and what it
names). Read-only, no locks; ``mailer.reports.campaign_report`` shapes them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from mailer.db.schema import bounce_event, delivery, event, subscriber, subscription

Group = Literal["language", "country"]


def _group_column(group: Group) -> sa.ColumnElement[str]:
    if group == "language":
        return sa.func.coalesce(delivery.c.language, "-")
    return sa.func.coalesce(subscriber.c.country, "-")


def states_by(conn: sa.Connection, campaign_id: int, group: Group) -> list[tuple[str, str, int]]:
    """Reads ``delivery`` (and ``subscriber`` for the country): (group, state, count)."""
    value = _group_column(group).label("value")
    query = (
        sa.select(value, delivery.c.state, sa.func.count())
        .select_from(delivery.join(subscriber, subscriber.c.id == delivery.c.subscriber_id))
        .where(delivery.c.campaign_id == campaign_id)
        .group_by(value, delivery.c.state)
    )
    return [(str(v), str(state), int(n)) for v, state, n in conn.execute(query)]


def complaints_by(conn: sa.Connection, campaign_id: int, group: Group) -> dict[str, int]:
    """Reads ``bounce_event`` (complaints about this campaign's deliveries): count by group."""
    value = _group_column(group).label("value")
    query = (
        sa.select(value, sa.func.count(sa.distinct(delivery.c.id)))
        .select_from(
            bounce_event.join(delivery, delivery.c.id == bounce_event.c.delivery_id).join(
                subscriber, subscriber.c.id == delivery.c.subscriber_id
            )
        )
        .where(delivery.c.campaign_id == campaign_id, bounce_event.c.kind == "complaint")
        .group_by(value)
    )
    return {str(v): int(n) for v, n in conn.execute(query)}


def unsubscribed_by(
    conn: sa.Connection, campaign_id: int, list_ids: list[int], since: datetime, group: Group
) -> dict[str, int]:
    """Reads ``delivery`` and ``subscription``: recipients who left one of ``list_ids`` after
    ``since`` (the send's start), by group."""
    if not list_ids:
        return {}
    value = _group_column(group).label("value")
    left = sa.exists().where(
        subscription.c.subscriber_id == delivery.c.subscriber_id,
        subscription.c.list_id.in_(list_ids),
        subscription.c.status == "unsubscribed",
        subscription.c.updated_at >= since,
    )
    query = (
        sa.select(value, sa.func.count())
        .select_from(delivery.join(subscriber, subscriber.c.id == delivery.c.subscriber_id))
        .where(delivery.c.campaign_id == campaign_id, left)
        .group_by(value)
    )
    return {str(v): int(n) for v, n in conn.execute(query)}


def sent_times(conn: sa.Connection, campaign_id: int) -> Iterator[datetime]:
    """Reads ``delivery``: each accepted message's ``sent_at``, oldest first (streamed)."""
    query = (
        sa.select(delivery.c.sent_at)
        .where(delivery.c.campaign_id == campaign_id, delivery.c.sent_at.is_not(None))
        .order_by(delivery.c.sent_at)
    )
    for (moment,) in conn.execution_options(yield_per=5000).execute(query):
        yield moment


def engagement(conn: sa.Connection, campaign_id: int) -> dict[str, tuple[int, int]]:
    """Reads ``event``: per kind (open, click), (events, distinct deliveries)."""
    query = (
        sa.select(event.c.kind, sa.func.count(), sa.func.count(sa.distinct(event.c.delivery_id)))
        .where(event.c.campaign_id == campaign_id)
        .group_by(event.c.kind)
    )
    return {str(kind): (int(n), int(people)) for kind, n, people in conn.execute(query)}
