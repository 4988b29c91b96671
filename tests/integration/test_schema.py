"""`mailer db upgrade`, automatic migration of the embedded database, and guarded PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailer.db import Database
from mailer.db.migrate import head
from tests.conftest import POSTGRES_URL, SKIP_POSTGRES, TEST_SECRET, Cli
from tests.databases import WORKER, create_database, postgres_url


def test_upgrade_is_idempotent(cli: Cli, db: Database) -> None:
    first = cli("db", "upgrade")
    assert first.exit_code == 0
    assert "up to date" in first.stdout
    assert cli("db", "current").stdout.strip() == head()


def test_embedded_database_is_created_by_any_command(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'm.db'}"
    result = cli("--database-url", url, "lists", "list")
    assert result.exit_code == 0
    assert (tmp_path / "fresh" / "m.db").exists()
    assert cli("--database-url", url, "db", "current").stdout.strip() == head()


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason=SKIP_POSTGRES)
def test_postgres_without_schema_says_run_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres_url(f"{WORKER}_empty")
    create_database(url)
    monkeypatch.chdir(tmp_path)
    cli = Cli({"MAILER_DATABASE__URL": url, "MAILER_SECRETS__KEY": TEST_SECRET})
    refused = cli("subscribers", "count")
    assert refused.exit_code == 1
    assert "run `mailer db upgrade`" in refused.stderr
    assert cli("db", "upgrade").exit_code == 0
    assert cli("subscribers", "count").stdout.strip() == "0"


def test_placeholder_secret_refused_but_demo_allowed(cli: Cli) -> None:
    cli.env["MAILER_SECRETS__KEY"] = "change-me-to-a-long-random-secret"
    refused = cli("subscribers", "count")
    assert refused.exit_code == 2
    assert "secrets.key" in refused.stderr


def test_unreachable_database_is_a_clear_error(cli: Cli) -> None:
    result = cli("--database-url", "postgresql://nobody@127.0.0.1:1/none", "subscribers", "count")
    assert result.exit_code == 1
    assert "error: database postgresql" in result.stderr
    assert "Traceback" not in result.output


def test_the_migrations_build_exactly_the_schema_the_code_declares(db: Database) -> None:
    """Several migrations were written side by side and chained later: none may drift from
    mailer/db/schema.py (a column, an index, a constraint missing or extra)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from mailer.db.schema import metadata

    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
