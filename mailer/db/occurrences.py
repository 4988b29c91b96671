"""Occurrences of a series: one row per (series, period), the guard of "exactly once".

A scheduler's job only inserts the row; whoever inserted it goes on to start the issue. A
second fire, a second scheduler or a restart finds the row there and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mailer.db.dialect import insert_ignore
from mailer.db.schema import occurrence


@dataclass(frozen=True)
class Occurrence:
    id: int
    series: str
    period_key: str
    planned_at: datetime
    deadline_at: datetime
    state: str
    campaign_id: int | None
    detail: str
    updated_at: datetime


def claim(
    conn: sa.Connection,
    *,
    series: str,
    period_key: str,
    planned_at: datetime,
    deadline_at: datetime,
    state: str = "pending",
    detail: str = "",
    now: datetime,
) -> bool:
    """Inserts the occurrence unless it exists; True when this call inserted it.

    Locks nothing beyond the unique index: of two concurrent claims exactly one inserts.
    """
    result = conn.execute(
        insert_ignore(conn, occurrence)
        .values(
            series=series,
            period_key=period_key,
            planned_at=planned_at,
            deadline_at=deadline_at,
            state=state,
            detail=detail,
            created_at=now,
            updated_at=now,
        )
        .returning(occurrence.c.id)
    )
    # RETURNING, not rowcount: psycopg reports -1 for a single-row insert that inserted nothing
    return result.first() is not None


def finish(
    conn: sa.Connection,
    occurrence_id: int,
    *,
    state: str,
    detail: str,
    campaign_id: int | None = None,
    now: datetime,
) -> None:
    """Writes what became of an occurrence (started, missed, skipped, failed)."""
    conn.execute(
        sa.update(occurrence)
        .where(occurrence.c.id == occurrence_id)
        .values(state=state, detail=detail[:2000], campaign_id=campaign_id, updated_at=now)
    )


def find(conn: sa.Connection, series: str, period_key: str) -> Occurrence | None:
    query = sa.select(*_COLUMNS).where(
        occurrence.c.series == series, occurrence.c.period_key == period_key
    )
    row = conn.execute(query).first()
    return None if row is None else Occurrence(*row)


def pending(conn: sa.Connection) -> list[Occurrence]:
    """Reads occurrences claimed but not yet carried out (their claimer died), oldest first."""
    query = (
        sa.select(*_COLUMNS)
        .where(occurrence.c.state == "pending")
        .order_by(occurrence.c.planned_at)
    )
    return [Occurrence(*row) for row in conn.execute(query)]


def latest(conn: sa.Connection, series: str) -> Occurrence | None:
    """Reads the series' most recent occurrence."""
    query = (
        sa.select(*_COLUMNS)
        .where(occurrence.c.series == series)
        .order_by(occurrence.c.planned_at.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return None if row is None else Occurrence(*row)


def history(conn: sa.Connection, series: str, *, limit: int = 24) -> list[Occurrence]:
    query = (
        sa.select(*_COLUMNS)
        .where(occurrence.c.series == series)
        .order_by(occurrence.c.planned_at.desc())
        .limit(limit)
    )
    return [Occurrence(*row) for row in conn.execute(query)]


_COLUMNS = (
    occurrence.c.id,
    occurrence.c.series,
    occurrence.c.period_key,
    occurrence.c.planned_at,
    occurrence.c.deadline_at,
    occurrence.c.state,
    occurrence.c.campaign_id,
    occurrence.c.detail,
    occurrence.c.updated_at,
)
