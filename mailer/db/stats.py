"""Aggregate counts for reports and the demo; read-only, no locks."""

from __future__ import annotations

import sqlalchemy as sa

from mailer.db.schema import interest, subscriber, subscriber_interest


def count_by_country(conn: sa.Connection, *, status: str = "active") -> list[tuple[str, int]]:
    """Subscribers of ``status`` per country (``-`` for unknown), most first."""
    country = sa.func.coalesce(subscriber.c.country, "-").label("country")
    query = (
        sa.select(country, sa.func.count().label("n"))
        .where(subscriber.c.status == status)
        .group_by(country)
        .order_by(sa.desc("n"), country)
    )
    return [(row.country, row.n) for row in conn.execute(query)]


def count_by_interest(conn: sa.Connection, *, status: str = "active") -> list[tuple[str, int]]:
    """Subscribers of ``status`` per interest, most first."""
    query = (
        sa.select(interest.c.name, sa.func.count().label("n"))
        .select_from(interest.join(subscriber_interest).join(subscriber))
        .where(subscriber.c.status == status)
        .group_by(interest.c.name)
        .order_by(sa.desc("n"), interest.c.name)
    )
    return [(row.name, row.n) for row in conn.execute(query)]


def refresh_planner_statistics(conn: sa.Connection) -> None:
    """Let the query planner see the subscriber tables as they are after a bulk change.

    Right after a large import PostgreSQL has not analysed the tables yet (autovacuum lags), so
    it plans segment counts for an empty table: measured 380 ms instead of 50 ms over 200,000
    subscribers. ANALYZE samples a bounded number of rows, so it costs well under a second.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE subscriber, subscriber_interest, subscription, interest")
    else:  # a sampled ANALYZE (1,000 rows an index) took a count from 190 ms to 150 ms
        conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
        conn.exec_driver_sql("ANALYZE")
