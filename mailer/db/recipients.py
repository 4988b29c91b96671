"""Subscribers read as ``Recipient``s (with their interests), for sending, previews and the
people pages. Re-exported by ``mailer.db.subscribers``."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from mailer.core.subscribers import Recipient
from mailer.db.schema import interest, subscriber, subscriber_interest


def iter_recipients(
    conn: sa.Connection, where: sa.ColumnElement[bool], *, page: int = 2000
) -> Iterator[Recipient]:
    """Reads the subscribers matching ``where`` with their interests, in id order, paged."""
    c = subscriber.c
    last = 0
    while True:
        query = (
            sa.select(c.id, c.email, c.name, c.country, c.language, c.link_nonce)
            .where(c.id > last, where)
            .order_by(c.id)
            .limit(page)
        )
        rows = conn.execute(query).all()
        if not rows:
            return
        interests = interests_of(conn, [row.id for row in rows])
        for row in rows:
            yield Recipient(
                row.id,
                row.email,
                row.name,
                row.country,
                row.language,
                frozenset(interests[row.id]),
                row.link_nonce,
            )
        last = rows[-1].id


def find_recipient(conn: sa.Connection, email_key: str) -> Recipient | None:
    """Reads one subscriber (any status) by ``email_key`` as a ``Recipient``."""
    return next(iter_recipients(conn, subscriber.c.email_key == email_key), None)


def search_recipients(conn: sa.Connection, prefix: str, *, limit: int = 10) -> list[Recipient]:
    """Reads up to ``limit`` subscribers (any status) whose address starts with ``prefix``
    (lower case), in address order; locks nothing."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = (
        sa.select(subscriber.c.id)
        .where(sa.func.lower(subscriber.c.email).like(f"{escaped}%", escape="\\"))
        .order_by(subscriber.c.email)
        .limit(limit)
    )
    ids = [int(i) for i in conn.execute(query).scalars()]
    found = recipients_by_id(conn, ids)
    return sorted(found.values(), key=lambda r: r.email)


def recipients_by_id(conn: sa.Connection, ids: list[int]) -> dict[int, Recipient]:
    """Reads the subscribers with these ids (any status) as ``Recipient``s."""
    if not ids:
        return {}
    return {r.id: r for r in iter_recipients(conn, subscriber.c.id.in_(ids), page=len(ids))}


def interests_of(conn: sa.Connection, subscriber_ids: list[int]) -> dict[int, list[str]]:
    """Reads interest names per subscriber, sorted."""
    out: dict[int, list[str]] = {i: [] for i in subscriber_ids}
    if not subscriber_ids:
        return out
    query = (
        sa.select(subscriber_interest.c.subscriber_id, interest.c.name)
        .join(interest)
        .where(subscriber_interest.c.subscriber_id.in_(subscriber_ids))
        .order_by(interest.c.name)
    )
    for subscriber_id, name in conn.execute(query):
        out[subscriber_id].append(name)
    return out
