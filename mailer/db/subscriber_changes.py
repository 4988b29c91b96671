"""The change log of subscriber records (``subscriber_change``): what staff did, who, when.
None of these commits; a change is written in the transaction that makes it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mailer.db.schema import subscriber, subscriber_change


@dataclass(frozen=True)
class Change:
    actor: str
    action: str
    detail: str
    at: datetime


def record(
    conn: sa.Connection,
    subscriber_id: int | None,
    *,
    actor: str,
    action: str,
    detail: str,
    now: datetime,
) -> None:
    """Writes one change (``subscriber_id`` None: about someone since erased)."""
    conn.execute(
        sa.insert(subscriber_change).values(
            subscriber_id=subscriber_id, actor=actor, action=action, detail=detail, created_at=now
        )
    )


def of(conn: sa.Connection, subscriber_id: int, *, limit: int = 200) -> list[Change]:
    """Reads a subscriber's changes, newest first."""
    c = subscriber_change.c
    query = (
        sa.select(c.actor, c.action, c.detail, c.created_at)
        .where(c.subscriber_id == subscriber_id)
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(limit)
    )
    return [Change(*row) for row in conn.execute(query)]


def search_rows(conn: sa.Connection) -> Iterator[tuple[int, str, str, str, str | None]]:
    """Reads (id, email, name, status, country) of every subscriber, for a search that compares
    without case and accents in Python (no index can: see mailer.core.people_search)."""
    rows = conn.execute(
        sa.select(
            subscriber.c.id,
            subscriber.c.email,
            subscriber.c.name,
            subscriber.c.status,
            subscriber.c.country,
        ).order_by(subscriber.c.email)
    )
    for row in rows:
        yield row[0], row[1], row[2], row[3], row[4]
