"""Open and click events (table ``event``). None of these functions commits.

An event row belongs to a delivery and goes with it (ON DELETE CASCADE), so erasing a
subscriber, which deletes their deliveries, erases their opens and clicks too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mailer.db.schema import campaign, delivery, event


@dataclass(frozen=True)
class Target:
    """What a tracking token leads to: the delivery, its campaign as started, its language."""

    delivery_id: int
    campaign_id: int
    slug: str
    source: str
    language: str | None


@dataclass(frozen=True)
class LinkCount:
    language: str | None
    link: int
    clicks: int
    clickers: int  # distinct deliveries


@dataclass(frozen=True)
class Counts:
    opens: int
    openers: int  # distinct deliveries
    clicks: int
    clickers: int  # distinct deliveries
    links: list[LinkCount]


def target(conn: sa.Connection, delivery_id: int, *, lock: bool = False) -> Target | None:
    """Reads a delivery with its campaign's frozen source; ``None`` when there is none.

    ``lock`` takes a row lock on the delivery on PostgreSQL (``FOR UPDATE OF delivery``) so
    two requests for the same delivery record one event, not two; SQLite's writer holds the
    database lock already (``BEGIN IMMEDIATE``).
    """
    query = (
        sa.select(
            delivery.c.id,
            delivery.c.campaign_id,
            campaign.c.slug,
            campaign.c.source,
            delivery.c.language,
        )
        .join(campaign, campaign.c.id == delivery.c.campaign_id)
        .where(delivery.c.id == delivery_id)
    )
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update(of=delivery)
    row = conn.execute(query).first()
    return None if row is None else Target(*row)


def seen_since(
    conn: sa.Connection, delivery_id: int, kind: str, link: int | None, since: datetime
) -> bool:
    """Reads whether this delivery has an event of ``kind`` (and ``link``) after ``since``."""
    query = sa.select(event.c.id).where(
        event.c.delivery_id == delivery_id,
        event.c.kind == kind,
        event.c.created_at > since,
        event.c.link.is_(None) if link is None else event.c.link == link,
    )
    return conn.execute(query.limit(1)).first() is not None


def record(
    conn: sa.Connection,
    *,
    kind: str,
    delivery_id: int,
    campaign_id: int,
    link: int | None,
    now: datetime,
) -> None:
    """Inserts one event row."""
    conn.execute(
        sa.insert(event).values(
            kind=kind,
            delivery_id=delivery_id,
            campaign_id=campaign_id,
            link=link,
            created_at=now,
        )
    )


def counts(conn: sa.Connection, campaign_id: int) -> Counts:
    """Reads a campaign's opens and clicks, in total, by distinct delivery and per link.

    Per link the count is split by the delivery's language, since a link's position names
    a link of one language's list.
    """
    totals = conn.execute(
        sa.select(
            event.c.kind,
            sa.func.count(),
            sa.func.count(sa.distinct(event.c.delivery_id)),
        )
        .where(event.c.campaign_id == campaign_id)
        .group_by(event.c.kind)
    ).all()
    found = {kind: (int(total), int(distinct)) for kind, total, distinct in totals}
    per_link = conn.execute(
        sa.select(
            delivery.c.language,
            event.c.link,
            sa.func.count(),
            sa.func.count(sa.distinct(event.c.delivery_id)),
        )
        .join(delivery, delivery.c.id == event.c.delivery_id)
        .where(event.c.campaign_id == campaign_id, event.c.kind == "click")
        .group_by(delivery.c.language, event.c.link)
        .order_by(event.c.link, delivery.c.language)
    ).all()
    opens, openers = found.get("open", (0, 0))
    clicks, clickers = found.get("click", (0, 0))
    return Counts(
        opens=opens,
        openers=openers,
        clicks=clicks,
        clickers=clickers,
        links=[
            LinkCount(language, int(link), int(total), int(distinct))
            for language, link, total, distinct in per_link
            if link is not None
        ],
    )
