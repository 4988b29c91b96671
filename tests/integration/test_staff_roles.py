"""Staff roles: `mailer users add --role`, `mailer users role`, and migration 0011, which makes
every account made before roles an admin and every stored campaign an issue (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mailer import issues
from mailer.access import staff
from mailer.app import App
from mailer.core.issue_documents import text_hash
from mailer.db import Database, migrate
from tests.conftest import POSTGRES_URL, Cli, settings_for
from tests.integration.issue_support import SAMPLE_TEXT

PASSWORD = "a long enough password"
NOW = datetime(2026, 11, 1, 9, 0)


def test_users_get_a_role_editor_unless_told(cli: Cli) -> None:
    plain = cli("users", "add", "eda@example.org", "--password-stdin", input=PASSWORD + "\n")
    assert plain.exit_code == 0, plain.output
    assert "created staff user eda@example.org (editor)" in plain.stdout
    boss = cli(
        "users",
        "add",
        "ana@example.org",
        "--role",
        "approver",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert "(approver)" in boss.stdout
    wrong = cli("users", "add", "x@example.org", "--role", "owner", "--password-stdin")
    assert wrong.exit_code == 2
    assert "'owner' is not one of 'editor', 'approver', 'admin'" in wrong.output
    promoted = cli("users", "role", "eda@example.org", "admin")
    assert promoted.stdout.strip() == "staff user eda@example.org is now admin"
    listed = cli("users", "list").stdout.splitlines()
    assert listed == [
        "ana@example.org\tactive\tlast sign-in never\tapprover",
        "eda@example.org\tactive\tlast sign-in never\tadmin",
    ]
    assert '"role": "approver"' in cli("users", "list", "--json").stdout


def test_an_accounts_actor_carries_its_role(db: Database) -> None:
    hasher = staff.password_hasher("cheapest-for-tests")
    account = staff.add_user(
        db, "Ana@Example.org", PASSWORD, now=NOW, hasher=hasher, role="approver"
    )
    assert account.actor == issues.Actor("ana@example.org", "approver")


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the parametrised backend (PostgreSQL: a database of its own)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = POSTGRES_URL.rsplit("/", 1)[1] + "_roles_migration"
    admin = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def test_migration_makes_old_accounts_admins_and_stored_campaigns_issues(empty_url: str) -> None:
    database = Database(empty_url)
    try:
        migrate.upgrade(database.engine, "0009")
        with database.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO staff_user (email, password_hash, disabled, created_at)"
                    " VALUES ('lead@example.org', 'x', false, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO campaign (slug, state, source, source_hash, created_at,"
                    " updated_at, approved_by, approved_at) VALUES ('2026-12-digest',"
                    " 'approved', :source, :hash, :now, :now, 'lead@example.org', :now)"
                ),
                {"source": SAMPLE_TEXT, "hash": text_hash(SAMPLE_TEXT), "now": NOW},
            )
        migrate.upgrade(database.engine)
        with database.read() as conn:
            roles = conn.exec_driver_sql("SELECT email, role FROM staff_user").all()
        assert roles == [("lead@example.org", "admin")]
        app = App(settings_for(empty_url), clock=lambda: NOW)
        try:
            view = issues.get_issue(app.issue_desk(), "2026-12-digest")
            assert (view.revision, view.state, view.approved_by) == (
                1,
                "approved",
                "lead@example.org",
            )
            assert view.text == SAMPLE_TEXT
            assert view.document["period"] == "2026-12"
            added = staff.add_user(
                app.database, "new@example.org", PASSWORD, now=NOW, hasher=app.password_hasher
            )
            assert added.role == "editor"
        finally:
            app.close()
    finally:
        database.dispose()
