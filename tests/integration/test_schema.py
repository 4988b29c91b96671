"""`mailer db upgrade`, automatic migration of the embedded database, and guarded PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from mailer.db import Database, migrate
from mailer.db.migrate import head
from tests.conftest import POSTGRES_URL, SKIP_POSTGRES, TEST_SECRET, Cli
from tests.databases import WORKER, create_database, postgres_url, sqlite_copy, worker_template


def test_upgrade_is_idempotent(cli: Cli, db: Database) -> None:
    first = cli("db", "upgrade")
    assert first.exit_code == 0
    assert "up to date" in first.stdout
    assert cli("db", "current").stdout.strip() == head()


def test_head_and_current_answer_as_alembic_does(db: Database, tmp_path: Path) -> None:
    """Read without Alembic (a command's start never migrates a current database), they must
    agree with it: on a migrated database, an empty one, and a script folder's newest file."""
    assert head() == ScriptDirectory.from_config(migrate._config()).get_current_head()
    empty = sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    for engine in (db.engine, empty):
        with engine.connect() as connection:
            expected = MigrationContext.configure(connection).get_current_revision()
        assert migrate.current(engine) == expected
    assert migrate.current(db.engine) == head()
    assert migrate.current(empty) is None
    empty.dispose()


@pytest.mark.subprocess
def test_starting_on_a_current_database_imports_neither_alembic_nor_dnspython(
    tmp_path: Path,
) -> None:
    """A fifth of every command's start was importing Alembic only to ask the revision, and
    dnspython, which only the preflight uses."""
    url = sqlite_copy(worker_template(), tmp_path / "m.db")
    probe = (
        "import sys\n"
        "import mailer.app\n"
        "from mailer.db import Database\n"
        f"Database({url!r}).ensure_schema()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako', 'dns'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


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
