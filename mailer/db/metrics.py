"""What ``/metrics`` reports, read at scrape time: deliveries per campaign and state, the
send rate, bounces by kind, occurrences by state. Locks nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from mailer.db.schema import bounce_event, campaign, delivery, occurrence

RECENT = ("sending", "paused")


def deliveries_by_campaign(conn: sa.Connection, *, since: datetime) -> list[tuple[str, str, int]]:
    """(slug, state, count) for campaigns sending, paused, or finished since ``since``."""
    query = (
        sa.select(campaign.c.slug, delivery.c.state, sa.func.count())
        .select_from(delivery.join(campaign, campaign.c.id == delivery.c.campaign_id))
        .where(sa.or_(campaign.c.state.in_(RECENT), campaign.c.finished_at >= since))
        .group_by(campaign.c.slug, delivery.c.state)
        .order_by(campaign.c.slug, delivery.c.state)
    )
    return [(slug, state, int(n)) for slug, state, n in conn.execute(query)]


def sent_in(conn: sa.Connection, *, now: datetime, window: timedelta) -> int:
    query = sa.select(sa.func.count()).where(
        delivery.c.state == "sent", delivery.c.sent_at >= now - window
    )
    return int(conn.execute(query).scalar_one())


def bounces_by_kind(conn: sa.Connection) -> list[tuple[str, str, int]]:
    """(kind, source, count) over every recorded bounce event."""
    query = (
        sa.select(bounce_event.c.kind, bounce_event.c.source, sa.func.count())
        .group_by(bounce_event.c.kind, bounce_event.c.source)
        .order_by(bounce_event.c.kind, bounce_event.c.source)
    )
    return [(kind, source, int(n)) for kind, source, n in conn.execute(query)]


def occurrences_by_state(conn: sa.Connection) -> list[tuple[str, str, int]]:
    query = (
        sa.select(occurrence.c.series, occurrence.c.state, sa.func.count())
        .group_by(occurrence.c.series, occurrence.c.state)
        .order_by(occurrence.c.series, occurrence.c.state)
    )
    return [(series, state, int(n)) for series, state, n in conn.execute(query)]
