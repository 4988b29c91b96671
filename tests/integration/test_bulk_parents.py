"""PostgreSQL bulk writes with the per-row foreign-key triggers off: ``copy_insert`` takes their
locks itself and refuses a batch that refers to a missing parent row (mailer/db/bulk.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from mailer.db import Database
from mailer.db.bulk import copy_insert, skip_row_checks
from mailer.db.schema import subscription
from mailer.errors import StorageError
from tests.conftest import BACKENDS, table_count

NOW = datetime(2026, 12, 5)
COLUMNS = ("subscriber_id", "list_id", "status", "created_at", "updated_at")
POSTGRESQL = pytest.mark.parametrize(
    "backend", [p for p in BACKENDS if p.id == "postgresql"], indirect=True
)


@POSTGRESQL
def test_a_batch_naming_a_missing_parent_is_refused_whole(db: Database) -> None:
    def write() -> None:
        with db.write() as conn:
            assert skip_row_checks(conn)  # the test role is a superuser
            copy_insert(conn, subscription, COLUMNS, [(1, 999, "active", NOW, NOW)])

    with pytest.raises(StorageError, match=r"subscription.list_id = 999 refers to no row of list"):
        write()
    assert table_count(db, "subscription") == 0


@POSTGRESQL
def test_the_triggers_are_on_again_in_the_next_transaction(db: Database) -> None:
    with db.write() as conn:
        skip_row_checks(conn)
    with db.read() as conn:
        role = conn.exec_driver_sql("SELECT current_setting('session_replication_role')")
        assert role.scalar() == "origin"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_keeps_its_checks(db: Database) -> None:
    with db.write() as conn:
        assert not skip_row_checks(conn)


@POSTGRESQL
def test_a_role_without_the_grant_keeps_the_per_row_checks(db: Database) -> None:
    with db.write() as conn:
        conn.exec_driver_sql(
            "DO $$ BEGIN CREATE ROLE mailer_test_plain NOLOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        conn.exec_driver_sql("SET LOCAL ROLE mailer_test_plain")
        assert not skip_row_checks(conn)
        role = conn.exec_driver_sql("SELECT current_setting('session_replication_role')")
        assert role.scalar() == "origin"
