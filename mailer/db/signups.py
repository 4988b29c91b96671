"""Queries behind the public pages: signing up, confirming, leaving, changing one's profile.

None of them commits; the use case owns the transaction. None takes explicit locks: each
reads or writes one subscriber's rows, and a second request for the same person at the same
moment at worst repeats an idempotent write (the unique ``email_key`` stops a double insert).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.db.schema import mailing_list, subscriber, subscriber_interest, subscription


def subscriber_by_id(conn: sa.Connection, subscriber_id: int) -> dict[str, Any] | None:
    """Reads one subscriber row by id; ``None`` when there is none (erased)."""
    row = conn.execute(sa.select(subscriber).where(subscriber.c.id == subscriber_id)).first()
    return None if row is None else dict(row._mapping)


def list_ids(conn: sa.Connection, names: Iterable[str] | None = None) -> dict[str, int]:
    """Reads list ids by name: the named lists that exist, or every list when ``names`` is None."""
    query = sa.select(mailing_list.c.name, mailing_list.c.id).order_by(mailing_list.c.name)
    if names is not None:
        query = query.where(mailing_list.c.name.in_(list(names)))
    return {str(name): int(id_) for name, id_ in conn.execute(query)}


def list_descriptions(conn: sa.Connection) -> dict[str, str]:
    """Reads every list's description by name."""
    query = sa.select(mailing_list.c.name, mailing_list.c.description)
    return {str(name): str(text or "") for name, text in conn.execute(query)}


def insert_pending(
    conn: sa.Connection,
    *,
    email: str,
    email_key: str,
    name: str,
    country: str | None,
    language: str | None,
    source: str,
    ip: str | None,
    now: datetime,
) -> tuple[int, str]:
    """Writes a new ``unconfirmed`` subscriber with its consent evidence; returns its id and
    link nonce."""
    statement = (
        sa.insert(subscriber)
        .values(
            email=email,
            email_key=email_key,
            name=name,
            country=country,
            language=language,
            status="unconfirmed",
            attributes={},
            created_at=now,
            updated_at=now,
            consent_source=source,
            consent_at=now,
            consent_ip=ip,
        )
        .returning(subscriber.c.id, subscriber.c.link_nonce)
    )
    subscriber_id, nonce = conn.execute(statement).one()
    return int(subscriber_id), str(nonce)


def set_profile(
    conn: sa.Connection,
    subscriber_id: int,
    *,
    name: str,
    country: str | None,
    language: str | None,
    now: datetime,
) -> None:
    """Writes a subscriber's name, country and language."""
    conn.execute(
        sa.update(subscriber)
        .where(subscriber.c.id == subscriber_id)
        .values(name=name, country=country, language=language, updated_at=now)
    )


def set_interests(conn: sa.Connection, subscriber_id: int, interest_ids: Iterable[int]) -> None:
    """Replaces a subscriber's interests with exactly these (by interest id)."""
    conn.execute(
        sa.delete(subscriber_interest).where(subscriber_interest.c.subscriber_id == subscriber_id)
    )
    rows = [{"subscriber_id": subscriber_id, "interest_id": i} for i in sorted(set(interest_ids))]
    if rows:
        conn.execute(sa.insert(subscriber_interest), rows)


def set_confirm_sent(conn: sa.Connection, subscriber_id: int, *, at: datetime | None) -> None:
    """Writes when the last confirmation mail went out (``None`` forgets it)."""
    conn.execute(
        sa.update(subscriber).where(subscriber.c.id == subscriber_id).values(confirm_sent_at=at)
    )


def confirm(conn: sa.Connection, subscriber_id: int, *, now: datetime) -> None:
    """Makes a subscriber ``active`` (confirmed now) and their ``unconfirmed`` subscriptions
    ``active`` (opted in now); subscriptions they left stay left."""
    conn.execute(
        sa.update(subscriber)
        .where(subscriber.c.id == subscriber_id)
        .values(status="active", confirmed_at=now, confirm_sent_at=None, updated_at=now)
    )
    conn.execute(
        sa.update(subscription)
        .where(
            subscription.c.subscriber_id == subscriber_id, subscription.c.status == "unconfirmed"
        )
        .values(status="active", opted_in_at=now, updated_at=now)
    )


def leave_lists(
    conn: sa.Connection, subscriber_id: int, list_ids: Iterable[int] | None, *, now: datetime
) -> int:
    """Marks the subscriber's subscriptions to these lists (every list when None)
    ``unsubscribed``; returns how many changed."""
    statement = sa.update(subscription).where(
        subscription.c.subscriber_id == subscriber_id, subscription.c.status != "unsubscribed"
    )
    if list_ids is not None:
        statement = statement.where(subscription.c.list_id.in_(list(list_ids)))
    return int(conn.execute(statement.values(status="unsubscribed", updated_at=now)).rowcount)


def set_status(
    conn: sa.Connection, subscriber_id: int, status: str, *, only_from: Iterable[str], now: datetime
) -> bool:
    """Writes a subscriber's status when it is one of ``only_from``; True when it changed."""
    statement = (
        sa.update(subscriber)
        .where(subscriber.c.id == subscriber_id, subscriber.c.status.in_(list(only_from)))
        .values(status=status, updated_at=now)
    )
    return int(conn.execute(statement).rowcount) == 1


def subscription_statuses(conn: sa.Connection, subscriber_id: int) -> dict[str, str]:
    """Reads the subscriber's status on each list they ever joined, by list name."""
    query = (
        sa.select(mailing_list.c.name, subscription.c.status)
        .join(mailing_list)
        .where(subscription.c.subscriber_id == subscriber_id)
    )
    return {str(name): str(status) for name, status in conn.execute(query)}
