"""Queries on mailing lists. None of them commits; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mailer.db.schema import mailing_list, subscription
from mailer.errors import NotFound


@dataclass(frozen=True)
class ListSummary:
    id: int
    name: str
    description: str
    created_at: datetime
    active: int
    unconfirmed: int
    unsubscribed: int


def find_list_id(conn: sa.Connection, name: str) -> int | None:
    """Reads ``list`` by name; locks nothing."""
    return conn.execute(sa.select(mailing_list.c.id).where(mailing_list.c.name == name)).scalar()


def get_list_id(conn: sa.Connection, name: str) -> int:
    """Like ``find_list_id`` but an unknown name raises ``NotFound``."""
    list_id = find_list_id(conn, name)
    if list_id is None:
        raise NotFound("list", name)
    return list_id


def insert_list(conn: sa.Connection, *, name: str, description: str, now: datetime) -> int:
    """Writes one ``list`` row; the unique name makes a concurrent duplicate fail."""
    return int(
        conn.execute(
            sa.insert(mailing_list)
            .values(name=name, description=description, created_at=now)
            .returning(mailing_list.c.id)
        ).scalar_one()
    )


def list_summaries(conn: sa.Connection) -> list[ListSummary]:
    """Reads every list with its subscription counts by status; locks nothing."""
    counts = {
        status: sa.func.count().filter(subscription.c.status == status).label(status)
        for status in ("active", "unconfirmed", "unsubscribed")
    }
    query = (
        sa.select(mailing_list, *counts.values())
        .select_from(mailing_list.outerjoin(subscription))
        .group_by(mailing_list.c.id)
        .order_by(mailing_list.c.name)
    )
    return [
        ListSummary(
            id=row.id,
            name=row.name,
            description=row.description,
            created_at=row.created_at,
            active=row.active,
            unconfirmed=row.unconfirmed,
            unsubscribed=row.unsubscribed,
        )
        for row in conn.execute(query)
    ]


def count_subscriptions(conn: sa.Connection, list_id: int) -> int:
    """Reads how many subscriptions (any status) a list has."""
    query = sa.select(sa.func.count()).where(subscription.c.list_id == list_id)
    return int(conn.execute(query).scalar_one())


def delete_list(conn: sa.Connection, list_id: int) -> int:
    """Deletes a list and its subscriptions; returns how many subscriptions went with it."""
    removed = conn.execute(
        sa.delete(subscription).where(subscription.c.list_id == list_id)
    ).rowcount
    conn.execute(sa.delete(mailing_list).where(mailing_list.c.id == list_id))
    return int(removed)
