"""Materialising a campaign's ledger: one INSERT … SELECT for the whole audience.

Target (issue #4): 1,000,000 deliveries in under 30 s on PostgreSQL. Baselines in the same run:
the same rows copied by a bare INSERT … SELECT into an unindexed table (the database's floor),
and ``materialise`` as it was before its PostgreSQL foreign-key checks kept their plans
(``--no-before`` skips that). Each measurement gets freshly generated subscribers (in SQL:
generate_series / a recursive CTE, not imported), settled by VACUUM ANALYZE and a CHECKPOINT.

    MAILER_TEST_POSTGRES_URL=postgresql://… python benchmarks/ledger.py [--subscribers 1000000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from mailer.app import utc_now
from mailer.campaigns import lifecycle, source
from mailer.db import Database, deliveries
from mailer.db.schema import delivery, subscriber

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "campaigns" / "2026-12-digest"

POPULATE = {
    "postgresql": """
        INSERT INTO subscriber (email, email_key, name, country, language, status, attributes,
                                created_at, updated_at)
        SELECT 'm' || i || '@example.org', 'm' || i || '@example.org', '', 'GE', 'ka', 'active',
               '{}', now(), now()
        FROM generate_series(1, :n) AS i;
        INSERT INTO list (name, description, created_at) VALUES ('members', '', now());
        INSERT INTO subscription (subscriber_id, list_id, status, created_at, updated_at)
        SELECT id, 1, 'active', now(), now() FROM subscriber;
    """,
    "sqlite": """
        WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < :n)
        INSERT INTO subscriber (email, email_key, name, country, language, status, attributes,
                                created_at, updated_at)
        SELECT 'm' || n || '@example.org', 'm' || n || '@example.org', '', 'GE', 'ka', 'active',
               '{}', datetime('now'), datetime('now') FROM i;
        INSERT INTO list (name, description, created_at) VALUES ('members', '', datetime('now'));
        INSERT INTO subscription (subscriber_id, list_id, status, created_at, updated_at)
        SELECT id, 1, 'active', datetime('now'), datetime('now') FROM subscriber;
    """,
}


def materialise_before(
    conn: sa.Connection,
    campaign_id: int,
    audience: sa.ColumnElement[bool],
    *,
    now: datetime,
    first: bool = True,
) -> int:
    """``deliveries.materialise`` as of commit eb118bf, for the "before" figure.

    On PostgreSQL it ran under the engine's ``plan_cache_mode=force_custom_plan``, so each of
    the two foreign-key checks per row was planned afresh; the anti-join was a NOT IN.
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
        existing = sa.select(delivery.c.subscriber_id).where(delivery.c.campaign_id == campaign_id)
        columns = columns.where(subscriber.c.id.not_in(existing))
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
    conn.execute(statement)
    count = sa.select(sa.func.count()).where(delivery.c.campaign_id == campaign_id)
    return int(conn.execute(count).scalar_one())


def fresh(url: str) -> Database:
    """An empty, current schema at ``url`` (a SQLite file left by an earlier run is removed)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
    database = Database(url)
    if database.dialect == "postgresql":
        with database.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        database.upgrade()
    else:
        database.ensure_schema()
    return database


def measure(url: str, n: int, *, before: bool = False) -> tuple[float, float]:
    """Seconds to start the sample campaign over ``n`` fresh subscribers, and the floor's."""
    database = fresh(url)
    with database.engine.begin() as conn:
        for statement in POPULATE[database.dialect].split(";"):
            if statement.strip():
                conn.execute(sa.text(statement), {"n": n})
    # settle the fresh tables first, so autovacuum does not compete with the measurement
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if database.dialect == "postgresql" else "ANALYZE")
        if database.dialect == "postgresql":
            conn.exec_driver_sql("CHECKPOINT")
    campaign = source.load_valid(SAMPLE)
    with contextlib.ExitStack() as stack:
        if before:  # lifecycle.start calls deliveries.materialise: the old code stands in
            stack.enter_context(mock.patch.object(deliveries, "materialise", materialise_before))
        started = time.perf_counter()
        added = lifecycle.start(database, campaign, "benchmark", now=utc_now())
        seconds = time.perf_counter() - started
    assert added == n, (added, n)
    with database.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE floor_copy (a integer, b integer, c varchar(16))")
        started = time.perf_counter()
        conn.exec_driver_sql("INSERT INTO floor_copy SELECT 1, id, 'queued' FROM subscriber")
        floor = time.perf_counter() - started
    database.dispose()
    return seconds, floor


def report(label: str, url: str, n: int, *, before: bool) -> None:
    if before:
        old, _ = measure(url, n, before=True)
        print(
            f"{label} before: {n:,} deliveries materialised in {old:.1f} s ({n / old:,.0f} rows/s)",
            flush=True,
        )
    seconds, floor = measure(url, n)
    line = (
        f"{label}: {n:,} deliveries materialised in {seconds:.1f} s ({n / seconds:,.0f} rows/s); "
        f"floor (bare INSERT … SELECT, no indexes): {floor:.1f} s; ratio {seconds / floor:.1f}"
    )
    if before:
        line += f"; {old / seconds:.1f}x faster than before"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--no-before", action="store_true", help="skip the previous code's run")
    args = parser.parse_args()
    before = not args.no_before
    with tempfile.TemporaryDirectory() as name:
        report("SQLite", f"sqlite:///{Path(name) / 'ledger.db'}", args.subscribers, before=before)
    postgres = os.environ.get("MAILER_TEST_POSTGRES_URL", "")
    if postgres:
        report("PostgreSQL", postgres, args.subscribers, before=before)


if __name__ == "__main__":
    main()
