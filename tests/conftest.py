"""Shared fixtures: a real database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result

from mailer.config import Settings, load_settings
from mailer.db import Database
from mailer.db.schema import metadata

POSTGRES_URL = os.environ.get("MAILER_TEST_POSTGRES_URL", "")
SKIP_POSTGRES = "set MAILER_TEST_POSTGRES_URL to run the PostgreSQL tests (bash .ci/run does)"
TEST_SECRET = "test-secret-key-0123456789abcdef"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason=SKIP_POSTGRES)],
    ),
]


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[Database]:
    """One migrated PostgreSQL database for the session; tests empty it before use."""
    database = Database(POSTGRES_URL)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    database.upgrade()
    yield database
    database.dispose()


def _truncate(database: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL of an empty, migrated database of the parametrised backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'mailer.db'}"
    database: Database = request.getfixturevalue("postgres_database")
    _truncate(database)
    return POSTGRES_URL


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.ensure_schema()
    yield database
    database.dispose()


@pytest.fixture
def env(db_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for running the CLI against the test database (no config file)."""
    return {
        "MAILER_DATABASE__URL": db_url,
        "MAILER_SECRETS__KEY": TEST_SECRET,
        "MAILER_CONFIG": "",
        "HOME": str(tmp_path),
    }


def table_count(database: Database, table: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one())


def link_nonce(database: Database, subscriber_id: int) -> str:
    """The subscriber's link nonce, which every link to them names (mailer.core.owners)."""
    with database.engine.connect() as connection:
        query = sa.text("SELECT link_nonce FROM subscriber WHERE id = :id")
        return str(connection.execute(query, {"id": subscriber_id}).scalar_one())


REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CSV = REPO / "subscribers" / "example.csv"


class Cli:
    """Runs ``mailer`` in-process (click's runner) against the test database, in a temp dir."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(self, *args: str, input: str | None = None) -> Result:
        from click.testing import CliRunner

        from mailer.cli import mailer

        return CliRunner().invoke(
            mailer, list(args), env=self.env, input=input, catch_exceptions=False
        )


@pytest.fixture
def cli(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("MAILER_") and name != "MAILER_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    return Cli(env)


def settings_for(
    db_url: str = "sqlite:///:memory:", *, smtp_port: int = 25, **extra: str
) -> Settings:
    """Settings for the test database and a local relay; ``extra`` as ``section__key=value``."""
    environ = {
        "MAILER_DATABASE__URL": db_url,
        "MAILER_SECRETS__KEY": TEST_SECRET,
        "MAILER_SMTP__HOST": "127.0.0.1",
        "MAILER_SMTP__PORT": str(smtp_port),
        "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
        **{f"MAILER_{key.upper()}": value for key, value in extra.items()},
    }
    return load_settings(environ=environ)


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh 2048-bit RSA key in PEM, for DKIM signing."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("dkim") / "dkim.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path
