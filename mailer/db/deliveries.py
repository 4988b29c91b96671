"""The delivery ledger: one row per (campaign, subscriber). None of these functions commits.

Claims take a lease: PostgreSQL skips rows another worker holds (``FOR UPDATE SKIP LOCKED``);
SQLite has one sender process and the caller's ``BEGIN IMMEDIATE``. Every write after the claim
is fenced on the lease owner and the ``sending`` state, so a worker whose lease expired cannot
overwrite what another worker did since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.db.schema import campaign, delivery, subscriber

OPEN_STATES = ("queued", "sending", "deferred")


@dataclass(frozen=True, order=True)
class Claimed:
    id: int
    campaign_id: int
    subscriber_id: int
    attempts: int
    created_at: datetime


def materialise(
    conn: sa.Connection,
    campaign_id: int,
    audience: sa.ColumnElement[bool],
    *,
    now: datetime,
    first: bool = True,
) -> int:
    """Writes one ``queued`` row per subscriber matching ``audience`` in one INSERT … SELECT.

    ``first=False`` (a campaign started before) leaves existing rows alone with an anti-join;
    a first start needs none. Returns how many rows the campaign has now. Locks the rows it
    writes; the foreign-key checks take ``FOR KEY SHARE`` on the campaign and every recipient.

    On PostgreSQL the INSERT runs with the server's default ``plan_cache_mode`` (see
    ``_plan_cache_mode``), put back afterwards.
    """
    columns = sa.select(
        sa.literal(campaign_id),
        subscriber.c.id,
        sa.literal("queued"),
        sa.literal(0),
        sa.literal(now, sa.DateTime),
        sa.literal(now, sa.DateTime),
        sa.literal(now, sa.DateTime),
    ).where(audience)
    if not first:
        # NOT EXISTS, not NOT IN: the same rows (subscriber_id is NOT NULL), but PostgreSQL
        # hashes NOT IN only while the subquery fits in work_mem and otherwise rescans it per row
        existing = sa.exists().where(
            delivery.c.campaign_id == campaign_id, delivery.c.subscriber_id == subscriber.c.id
        )
        columns = columns.where(~existing)
    statement = sa.insert(delivery).from_select(
        [
            "campaign_id",
            "subscriber_id",
            "state",
            "attempts",
            "next_attempt_at",
            "created_at",
            "updated_at",
        ],
        columns,
    )
    # PostgreSQL's default plan_cache_mode while inserting: the foreign-key checks (two a row)
    # reuse their plans. An error aborts the transaction, and its rollback undoes the setting.
    postgres = conn.dialect.name == "postgresql"
    previous = _plan_cache_mode(conn, "auto") if postgres else ""
    conn.execute(statement)
    if postgres:
        _plan_cache_mode(conn, previous)
    # counted afterwards: psycopg reports no rowcount here, and RETURNING a million rows costs
    count = sa.select(sa.func.count()).where(delivery.c.campaign_id == campaign_id)
    return int(conn.execute(count).scalar_one())


def _plan_cache_mode(conn: sa.Connection, mode: str) -> str:
    """Sets PostgreSQL's ``plan_cache_mode`` for the rest of the transaction; returns the old one.

    The engine connects with ``force_custom_plan`` (see ``mailer.db.engine``), and that applies
    to the saved plans of foreign-key triggers too: each of the two checks per inserted delivery
    was planned afresh, 2,000,000 plannings for a million recipients.
    """
    previous = conn.execute(sa.select(sa.func.current_setting("plan_cache_mode"))).scalar_one()
    conn.execute(sa.select(sa.func.set_config("plan_cache_mode", mode, True)))
    return str(previous)


def claim(
    conn: sa.Connection, *, worker: str, limit: int, now: datetime, lease_until: datetime
) -> list[Claimed]:
    """Leases up to ``limit`` due deliveries of campaigns in state ``sending``.

    Writes ``sending``, ``attempts + 1`` and the lease; locks the claimed rows (PostgreSQL
    skips rows locked by other workers). The caller commits before any SMTP command.
    """
    due = (
        sa.select(delivery.c.id)
        .join(campaign, campaign.c.id == delivery.c.campaign_id)
        .where(
            campaign.c.state == "sending",
            delivery.c.state.in_(("queued", "deferred")),
            delivery.c.next_attempt_at <= now,
        )
        .order_by(delivery.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=delivery)
    statement = (
        sa.update(delivery)
        .where(delivery.c.id.in_(due.scalar_subquery()))
        .values(
            state="sending",
            attempts=delivery.c.attempts + 1,
            lease_owner=worker,
            lease_until=lease_until,
            updated_at=now,
        )
        .returning(
            delivery.c.id,
            delivery.c.campaign_id,
            delivery.c.subscriber_id,
            delivery.c.attempts,
            delivery.c.created_at,
        )
    )
    return sorted(Claimed(*row) for row in conn.execute(statement))


def renew(conn: sa.Connection, ids: Sequence[int], *, worker: str, lease_until: datetime) -> int:
    """Extends the lease of deliveries this worker still holds; returns how many it holds."""
    statement = (
        sa.update(delivery)
        .where(
            delivery.c.id.in_(ids), delivery.c.lease_owner == worker, delivery.c.state == "sending"
        )
        .values(lease_until=lease_until)
    )
    return int(conn.execute(statement).rowcount)


def reap(conn: sa.Connection, *, now: datetime) -> int:
    """Moves deliveries whose lease expired (a dead worker) back to ``deferred``, due now."""
    statement = (
        sa.update(delivery)
        .where(delivery.c.state == "sending", delivery.c.lease_until < now)
        .values(
            state="deferred",
            lease_owner=None,
            lease_until=None,
            next_attempt_at=now,
            updated_at=now,
        )
    )
    return int(conn.execute(statement).rowcount)


def counts(conn: sa.Connection, campaign_id: int) -> dict[str, int]:
    """Reads the number of deliveries of a campaign in each state (every state present)."""
    query = (
        sa.select(delivery.c.state, sa.func.count())
        .where(delivery.c.campaign_id == campaign_id)
        .group_by(delivery.c.state)
    )
    found = {
        state: 0
        for state in ("queued", "sending", "sent", "deferred", "failed", "bounced", "skipped")
    }
    found.update({state: int(n) for state, n in conn.execute(query)})
    return found


def open_count(conn: sa.Connection, campaign_id: int) -> int:
    """Reads how many deliveries are still queued, sending or deferred."""
    query = sa.select(sa.func.count()).where(
        delivery.c.campaign_id == campaign_id, delivery.c.state.in_(OPEN_STATES)
    )
    return int(conn.execute(query).scalar_one())


def skip_open(conn: sa.Connection, campaign_id: int, *, now: datetime) -> int:
    """Marks a cancelled campaign's queued and deferred deliveries ``skipped``."""
    statement = (
        sa.update(delivery)
        .where(delivery.c.campaign_id == campaign_id, delivery.c.state.in_(("queued", "deferred")))
        .values(state="skipped", updated_at=now)
    )
    return int(conn.execute(statement).rowcount)


def complete_finished(conn: sa.Connection, *, now: datetime) -> list[int]:
    """Marks ``sent`` every sending campaign with no open delivery left; returns their ids."""
    still_open = sa.exists().where(
        delivery.c.campaign_id == campaign.c.id, delivery.c.state.in_(OPEN_STATES)
    )
    statement = (
        sa.update(campaign)
        .where(campaign.c.state == "sending", ~still_open)
        .values(state="sent", finished_at=now, updated_at=now)
        .returning(campaign.c.id)
    )
    return list(conn.execute(statement).scalars())


@dataclass(frozen=True)
class Finished:
    """One attempt's outcome, as ``finish_many`` writes it."""

    delivery_id: int
    state: str
    now: datetime
    code: int | None = None
    text: str | None = None
    next_attempt_at: datetime | None = None
    message_id: str | None = None
    language: str | None = None
    variant: str | None = None


def _finish_statement(worker: str) -> sa.Update:
    """UPDATE of one outcome, fenced on the lease owner and ``sending``; bound per row."""
    p = sa.bindparam
    return (
        sa.update(delivery)
        .where(
            delivery.c.id == p("_id"),
            delivery.c.lease_owner == worker,
            delivery.c.state == "sending",
        )
        .values(
            state=p("_state"),
            lease_owner=None,
            lease_until=None,
            updated_at=p("_now"),
            last_code=p("_code"),
            last_text=p("_text"),
            sent_at=sa.case((p("_state") == "sent", p("_now")), else_=delivery.c.sent_at),
            next_attempt_at=sa.func.coalesce(
                p("_retry", type_=sa.DateTime), delivery.c.next_attempt_at
            ),
            message_id=sa.func.coalesce(p("_mid", type_=sa.String), delivery.c.message_id),
            language=sa.func.coalesce(p("_language", type_=sa.String), delivery.c.language),
            variant=sa.func.coalesce(p("_variant", type_=sa.String), delivery.c.variant),
        )
    )


def _finish_params(row: Finished) -> dict[str, object]:
    return {
        "_id": row.delivery_id,
        "_state": row.state,
        "_now": row.now,
        "_code": row.code,
        "_text": row.text[:1000] if row.text else row.text,
        "_retry": row.next_attempt_at,
        "_mid": row.message_id,
        "_language": row.language,
        "_variant": row.variant,
    }


def finish_one(conn: sa.Connection, row: Finished, *, worker: str) -> bool:
    """Records one outcome; False when the lease was lost (nothing written)."""
    return conn.execute(_finish_statement(worker), _finish_params(row)).rowcount == 1


def finish(conn: sa.Connection, delivery_id: int, *, worker: str, **outcome: Any) -> bool:
    """``finish_one`` with the fields of ``Finished`` as keywords (state, now, code, …)."""
    return finish_one(conn, Finished(delivery_id=delivery_id, **outcome), worker=worker)


def finish_many(conn: sa.Connection, rows: Sequence[Finished], *, worker: str) -> None:
    """Records many outcomes in one executemany, each fenced like ``finish_one``.

    One statement for a whole group commit: per-row UPDATEs through SQLAlchemy cost about
    0.15 ms each, an executemany a fraction of that. Rows whose lease was lost are not written.
    """
    if rows:
        conn.execute(_finish_statement(worker), [_finish_params(row) for row in rows])


def release(conn: sa.Connection, ids: Sequence[int], *, worker: str, now: datetime) -> int:
    """Gives back deliveries this worker claimed but never handed to a relay (on shutdown):
    ``queued`` again, due now, the attempt not counted. Returns how many it gave back.
    """
    if not ids:
        return 0
    statement = (
        sa.update(delivery)
        .where(
            delivery.c.id.in_(list(ids)),
            delivery.c.lease_owner == worker,
            delivery.c.state == "sending",
        )
        .values(
            state="queued",
            attempts=delivery.c.attempts - 1,
            lease_owner=None,
            lease_until=None,
            next_attempt_at=now,
            updated_at=now,
        )
    )
    return int(conn.execute(statement).rowcount)
