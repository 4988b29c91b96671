"""Pages of subscribers for the staff UI, and counts by status. Read-only, no locks."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from mailer.db.schema import subscriber


def page(
    conn: sa.Connection, where: sa.ColumnElement[bool], *, offset: int, limit: int
) -> list[dict[str, Any]]:
    """Reads one page of the subscribers matching ``where``, in id order."""
    query = sa.select(subscriber).where(where).order_by(subscriber.c.id).offset(offset).limit(limit)
    return [dict(row._mapping) for row in conn.execute(query)]


def count_by_status(conn: sa.Connection) -> dict[str, int]:
    """Reads how many subscribers have each status (statuses nobody has are left out)."""
    query = sa.select(subscriber.c.status, sa.func.count()).group_by(subscriber.c.status)
    return {str(status): int(n) for status, n in conn.execute(query)}
