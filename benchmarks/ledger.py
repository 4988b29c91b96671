"""Materialising a campaign's ledger: one INSERT … SELECT for the whole audience.

Target (issue #4): 1,000,000 deliveries in under 30 s on PostgreSQL. Baseline in the same run:
the same rows copied by a bare INSERT … SELECT into an unindexed table (the database's floor).
Subscribers are generated in SQL (generate_series / a recursive CTE), not imported.

    MAILER_TEST_POSTGRES_URL=postgresql://… python benchmarks/ledger.py [--subscribers 1000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from mailer.app import utc_now
from mailer.campaigns import lifecycle, source
from mailer.db import Database

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


def fresh(url: str) -> Database:
    database = Database(url)
    if database.dialect == "postgresql":
        with database.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        database.upgrade()
    else:
        database.ensure_schema()
    return database


def measure(label: str, url: str, n: int) -> None:
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
    started = time.perf_counter()
    added = lifecycle.start(database, campaign, "benchmark", now=utc_now())
    seconds = time.perf_counter() - started
    assert added == n, (added, n)
    with database.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE floor_copy (a integer, b integer, c varchar(16))")
        started = time.perf_counter()
        conn.exec_driver_sql("INSERT INTO floor_copy SELECT 1, id, 'queued' FROM subscriber")
        floor = time.perf_counter() - started
    print(
        f"{label}: {n:,} deliveries materialised in {seconds:.1f} s ({n / seconds:,.0f} rows/s); "
        f"floor (bare INSERT … SELECT, no indexes): {floor:.1f} s; ratio {seconds / floor:.1f}"
    )
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        measure("SQLite", f"sqlite:///{Path(name) / 'ledger.db'}", args.subscribers)
    postgres = os.environ.get("MAILER_TEST_POSTGRES_URL", "")
    if postgres:
        measure("PostgreSQL", postgres, args.subscribers)


if __name__ == "__main__":
    main()
