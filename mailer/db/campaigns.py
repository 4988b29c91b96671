"""Queries on the ``campaign`` table. None of them commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mailer.db.schema import campaign


@dataclass(frozen=True)
class StoredCampaign:
    id: int
    slug: str
    state: str
    source: str
    source_hash: str
    started_at: datetime | None
    finished_at: datetime | None
    approved_by: str | None = None
    approved_at: datetime | None = None
    send_at: datetime | None = None
    preflight_forced_by: str | None = None
    preflight_forced_at: datetime | None = None


_COLUMNS = (
    campaign.c.id,
    campaign.c.slug,
    campaign.c.state,
    campaign.c.source,
    campaign.c.source_hash,
    campaign.c.started_at,
    campaign.c.finished_at,
    campaign.c.approved_by,
    campaign.c.approved_at,
    campaign.c.send_at,
    campaign.c.preflight_forced_by,
    campaign.c.preflight_forced_at,
)


def find(conn: sa.Connection, slug: str, *, lock: bool = False) -> StoredCampaign | None:
    """Reads one campaign by slug; ``lock`` takes a row lock on PostgreSQL (FOR UPDATE)."""
    query = sa.select(*_COLUMNS).where(campaign.c.slug == slug)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else StoredCampaign(**row._mapping)


def by_id(conn: sa.Connection, campaign_id: int) -> StoredCampaign:
    row = conn.execute(sa.select(campaign.c.slug).where(campaign.c.id == campaign_id)).scalar_one()
    found = find(conn, row)
    assert found is not None
    return found


def insert(
    conn: sa.Connection, *, slug: str, state: str, source: str, source_hash: str, now: datetime
) -> int:
    """Writes a new campaign row; the unique slug makes a concurrent second start fail."""
    statement = (
        sa.insert(campaign)
        .values(
            slug=slug,
            state=state,
            source=source,
            source_hash=source_hash,
            created_at=now,
            updated_at=now,
            started_at=now if state == "sending" else None,
        )
        .returning(campaign.c.id)
    )
    return int(conn.execute(statement).scalar_one())


def set_state(
    conn: sa.Connection, campaign_id: int, state: str, *, now: datetime, expected: str
) -> bool:
    """Moves a campaign from ``expected`` to ``state``; False when it was not in ``expected``."""
    values: dict[str, object] = {"state": state, "updated_at": now}
    if state == "sending":
        values["started_at"] = sa.func.coalesce(campaign.c.started_at, now)
    if state in {"sent", "cancelled", "failed"}:
        values["finished_at"] = now
    statement = (
        sa.update(campaign)
        .where(campaign.c.id == campaign_id, campaign.c.state == expected)
        .values(values)
    )
    return conn.execute(statement).rowcount == 1


def sending_ids(conn: sa.Connection) -> list[int]:
    """Reads the ids of campaigns in state ``sending``."""
    return list(
        conn.execute(sa.select(campaign.c.id).where(campaign.c.state == "sending")).scalars()
    )


def states(conn: sa.Connection) -> dict[str, str]:
    """Reads every stored campaign's state, by slug."""
    rows = conn.execute(sa.select(campaign.c.slug, campaign.c.state))
    return {str(slug): str(state) for slug, state in rows}


def scheduled(conn: sa.Connection) -> list[StoredCampaign]:
    """Reads the campaigns staff scheduled (state ``scheduled`` with a ``send_at``)."""
    query = sa.select(*_COLUMNS).where(
        campaign.c.state == "scheduled", campaign.c.send_at.is_not(None)
    )
    rows = conn.execute(query.order_by(campaign.c.send_at))
    return [StoredCampaign(**row._mapping) for row in rows]


def set_approval(
    conn: sa.Connection,
    campaign_id: int,
    *,
    source: str,
    source_hash: str,
    by: str,
    now: datetime,
    expected: str,
) -> bool:
    """Records an approval of exactly ``source``; the campaign becomes ``approved`` (from
    ``expected``) and any ``send_at`` is cleared. False when it was not in ``expected``."""
    statement = (
        sa.update(campaign)
        .where(campaign.c.id == campaign_id, campaign.c.state == expected)
        .values(
            state="approved",
            source=source,
            source_hash=source_hash,
            approved_by=by,
            approved_at=now,
            send_at=None,
            preflight_forced_by=None,
            preflight_forced_at=None,
            updated_at=now,
        )
    )
    return conn.execute(statement).rowcount == 1


def set_schedule(
    conn: sa.Connection,
    campaign_id: int,
    *,
    send_at: datetime | None,
    now: datetime,
    expected: str,
    forced_by: str | None = None,
) -> bool:
    """Moves a campaign from ``expected`` to ``scheduled`` at ``send_at`` (naive UTC), or back
    to ``approved`` when ``send_at`` is None. ``forced_by`` records who scheduled it despite
    failing preflight checks (cleared otherwise). False when it was not in ``expected``."""
    state = "approved" if send_at is None else "scheduled"
    statement = (
        sa.update(campaign)
        .where(campaign.c.id == campaign_id, campaign.c.state == expected)
        .values(
            state=state,
            send_at=send_at,
            updated_at=now,
            preflight_forced_by=forced_by,
            preflight_forced_at=now if forced_by else None,
        )
    )
    return conn.execute(statement).rowcount == 1
