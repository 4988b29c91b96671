"""Queries on subscribers, their interests and subscriptions. None of them commits."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.db.bulk import copy_insert
from mailer.db.dialect import among, insert_ignore
from mailer.db.recipients import find_recipient as find_recipient  # re-exported
from mailer.db.recipients import interests_of as interests_of
from mailer.db.recipients import iter_recipients as iter_recipients
from mailer.db.recipients import recipients_by_id as recipients_by_id
from mailer.db.recipients import search_recipients as search_recipients
from mailer.db.schema import interest, mailing_list, subscriber, subscriber_interest, subscription


@dataclass
class StoredSubscriber:
    """What an import compares against: the stored fields, interests and one list's status."""

    id: int
    email: str
    email_key: str
    name: str
    country: str | None
    language: str | None
    status: str
    attributes: dict[str, str]
    interests: set[str] = field(default_factory=set)
    list_status: str | None = None


def load_by_keys(
    conn: sa.Connection, keys: Iterable[str], *, list_id: int | None
) -> dict[str, StoredSubscriber]:
    """Reads subscribers by ``email_key`` with their interests and status on ``list_id``."""
    wanted = list(keys)
    if not wanted:
        return {}
    c = subscriber.c
    rows = conn.execute(
        sa.select(
            c.id, c.email, c.email_key, c.name, c.country, c.language, c.status, c.attributes
        ).where(among(conn, c.email_key, wanted))
    )
    found = {
        row.email_key: StoredSubscriber(
            id=row.id,
            email=row.email,
            email_key=row.email_key,
            name=row.name,
            country=row.country,
            language=row.language,
            status=row.status,
            attributes=dict(row.attributes or {}),
        )
        for row in rows
    }
    if not found:
        return found
    by_id = {stored.id: stored for stored in found.values()}
    links = sa.select(subscriber_interest.c.subscriber_id, interest.c.name).join(interest)
    for subscriber_id, name in conn.execute(
        links.where(among(conn, subscriber_interest.c.subscriber_id, list(by_id)))
    ):
        by_id[subscriber_id].interests.add(name)
    if list_id is not None:
        subs = sa.select(subscription.c.subscriber_id, subscription.c.status).where(
            subscription.c.list_id == list_id,
            among(conn, subscription.c.subscriber_id, list(by_id)),
        )
        for subscriber_id, status in conn.execute(subs):
            by_id[subscriber_id].list_status = status
    return found


def interest_ids(conn: sa.Connection, names: Iterable[str]) -> dict[str, int]:
    """Reads the ids of interest names, inserting the missing ones (concurrent-safe)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    query = sa.select(interest.c.name, interest.c.id).where(interest.c.name.in_(wanted))
    found: dict[str, int] = {name: id_ for name, id_ in conn.execute(query)}
    missing = [name for name in wanted if name not in found]
    if missing:
        conn.execute(insert_ignore(conn, interest), [{"name": name} for name in missing])
        found = {name: id_ for name, id_ in conn.execute(query)}
    return found


def insert_subscribers(conn: sa.Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Writes new subscriber rows (one statement); returns their ids by ``email_key``."""
    if not rows:
        return {}
    if conn.dialect.name == "postgresql":  # COPY: see db/bulk.py
        columns = list(rows[0])
        values = [[row[name] for name in columns] for row in rows]
        written = copy_insert(conn, subscriber, columns, values, returning=("id", "email_key"))
        return {email_key: id_ for id_, email_key in written}
    result = conn.execute(
        sa.insert(subscriber).returning(subscriber.c.id, subscriber.c.email_key), rows
    )
    return {email_key: id_ for id_, email_key in result}


# Consent evidence is never overwritten by an update: it records how the person first joined.
UPDATABLE = ("name", "country", "language", "status", "attributes")


def update_subscribers(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Writes changed fields of existing subscribers (rows carry ``id`` and every UPDATABLE key)."""
    if not rows:
        return
    statement = (
        sa.update(subscriber)
        .where(subscriber.c.id == sa.bindparam("_id"))
        .values({name: sa.bindparam(name) for name in (*UPDATABLE, "updated_at")})
    )
    conn.execute(
        statement,
        [{"_id": row["id"], **{k: row[k] for k in (*UPDATABLE, "updated_at")}} for row in rows],
    )


def insert_interest_links(
    conn: sa.Connection, pairs: Iterable[tuple[int, int]], *, created: Collection[int] = ()
) -> None:
    """Writes (subscriber_id, interest_id) links; existing links are left alone. ``created``:
    the subscribers this transaction inserted (their rows need no lock, their links cannot
    exist yet)."""
    pairs = list(pairs)
    if conn.dialect.name == "postgresql":
        columns = ("subscriber_id", "interest_id")
        written_here = {"subscriber_id": created}
        fresh = [pair for pair in pairs if pair[0] in created]  # links nobody else can make
        known = [pair for pair in pairs if pair[0] not in created]
        for part, may_clash in ((fresh, False), (known, True)):
            copy_insert(
                conn,
                subscriber_interest,
                columns,
                part,
                written_here=written_here,
                may_clash=may_clash,
            )
        return
    rows = [{"subscriber_id": s, "interest_id": i} for s, i in pairs]
    if rows:
        conn.execute(insert_ignore(conn, subscriber_interest), rows)


def upsert_subscriptions(
    conn: sa.Connection,
    list_id: int,
    statuses: Mapping[int, str],
    *,
    now: datetime,
    created: Collection[int] = (),
) -> None:
    """Writes the status of each subscriber on ``list_id``, creating subscriptions as needed.

    ``opted_in_at`` is set when a subscription becomes active. ``created``: the subscribers
    this transaction inserted (their rows need no lock, their subscriptions cannot exist yet).
    """
    if not statuses:
        return
    existing = set(
        conn.execute(
            sa.select(subscription.c.subscriber_id).where(
                subscription.c.list_id == list_id,
                among(conn, subscription.c.subscriber_id, list(statuses)),
            )
        ).scalars()
    )
    new = [
        {
            "subscriber_id": subscriber_id,
            "list_id": list_id,
            "status": status,
            "opted_in_at": now if status == "active" else None,
            "created_at": now,
            "updated_at": now,
        }
        for subscriber_id, status in statuses.items()
        if subscriber_id not in existing
    ]
    if new and conn.dialect.name == "postgresql":
        columns = list(new[0])
        written_here = {"subscriber_id": created}
        for fresh in (True, False):  # a new subscriber's subscriptions cannot clash
            values = [
                [row[c] for c in columns]
                for row in new
                if (row["subscriber_id"] in created) == fresh
            ]
            copy_insert(
                conn,
                subscription,
                columns,
                values,
                written_here=written_here,
                may_clash=not fresh,
            )
    elif new:
        conn.execute(sa.insert(subscription), new)
    changed = [
        {"_sid": subscriber_id, "status": status}
        for subscriber_id, status in statuses.items()
        if subscriber_id in existing
    ]
    if changed:
        conn.execute(
            sa.update(subscription)
            .where(
                subscription.c.list_id == list_id,
                subscription.c.subscriber_id == sa.bindparam("_sid"),
            )
            .values(
                status=sa.bindparam("status"),
                updated_at=now,
                opted_in_at=sa.case(
                    (sa.bindparam("status") == "active", now), else_=subscription.c.opted_in_at
                ),
            ),
            changed,
        )


def find_by_key(conn: sa.Connection, email_key: str) -> dict[str, Any] | None:
    """Reads one subscriber row by ``email_key``; ``None`` when absent."""
    row = conn.execute(sa.select(subscriber).where(subscriber.c.email_key == email_key)).first()
    return None if row is None else dict(row._mapping)


def subscriptions_of(
    conn: sa.Connection, subscriber_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Reads each subscriber's subscriptions: list name, status, opt-in and creation times."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in subscriber_ids}
    if not subscriber_ids:
        return out
    query = (
        sa.select(
            subscription.c.subscriber_id,
            mailing_list.c.name,
            subscription.c.status,
            subscription.c.opted_in_at,
            subscription.c.created_at,
        )
        .join(mailing_list)
        .where(subscription.c.subscriber_id.in_(subscriber_ids))
        .order_by(mailing_list.c.name)
    )
    for row in conn.execute(query):
        out[row.subscriber_id].append(
            {
                "list": row.name,
                "status": row.status,
                "opted_in_at": row.opted_in_at,
                "created_at": row.created_at,
            }
        )
    return out


def delete_subscriber(conn: sa.Connection, subscriber_id: int) -> None:
    """Deletes a subscriber with its interests and subscriptions (in one statement each)."""
    for table in (subscriber_interest, subscription):
        conn.execute(sa.delete(table).where(table.c.subscriber_id == subscriber_id))
    conn.execute(sa.delete(subscriber).where(subscriber.c.id == subscriber_id))


def page(
    conn: sa.Connection, where: sa.ColumnElement[bool], *, offset: int, limit: int
) -> list[dict[str, Any]]:
    """Reads one page of the subscribers matching ``where``, in id order."""
    query = sa.select(subscriber).where(where).order_by(subscriber.c.id).offset(offset).limit(limit)
    return [dict(row._mapping) for row in conn.execute(query)]


def iter_pages(
    conn: sa.Connection, where: sa.ColumnElement[bool] | None, *, page: int = 1000
) -> Iterator[list[dict[str, Any]]]:
    """Reads subscribers matching ``where`` in id order, a page at a time (keyset paging)."""
    last = 0
    while True:
        query = sa.select(subscriber).where(subscriber.c.id > last)
        if where is not None:
            query = query.where(where)
        query = query.order_by(subscriber.c.id).limit(page)
        rows = [dict(row._mapping) for row in conn.execute(query)]
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def attribute_keys(conn: sa.Connection, where: sa.ColumnElement[bool] | None) -> list[str]:
    """Reads every attribute name used by the subscribers matching ``where``, sorted."""
    keys: set[str] = set()
    query = sa.select(subscriber.c.attributes)
    if where is not None:
        query = query.where(where)
    for attributes in conn.execution_options(yield_per=2000).execute(query).scalars():
        keys.update(attributes or {})
    return sorted(keys)


def interest_names(conn: sa.Connection) -> set[str]:
    """Reads every interest name any subscriber has ever had."""
    return set(conn.execute(sa.select(interest.c.name)).scalars())


def set_status(conn: sa.Connection, subscriber_id: int, status: str, *, now: datetime) -> None:
    """Writes a subscriber's status (e.g. ``bounced`` after a hard bounce)."""
    conn.execute(
        sa.update(subscriber)
        .where(subscriber.c.id == subscriber_id)
        .values(status=status, updated_at=now)
    )


def unsubscribe(
    conn: sa.Connection, subscriber_id: int, list_names: Iterable[str], *, now: datetime
) -> list[str]:
    """Marks the subscriber's subscriptions to these lists unsubscribed; returns those changed."""
    names = list(list_names)
    if not names:
        return []
    ids = dict(
        conn.execute(
            sa.select(mailing_list.c.id, mailing_list.c.name).where(mailing_list.c.name.in_(names))
        ).all()
    )
    changed = (
        conn.execute(
            sa.select(subscription.c.list_id).where(
                subscription.c.subscriber_id == subscriber_id,
                subscription.c.list_id.in_(list(ids)),
                subscription.c.status != "unsubscribed",
            )
        )
        .scalars()
        .all()
    )
    if changed:
        conn.execute(
            sa.update(subscription)
            .where(subscription.c.subscriber_id == subscriber_id)
            .where(subscription.c.list_id.in_(changed))
            .values(status="unsubscribed", updated_at=now)
        )
    return sorted(ids[i] for i in changed)
