"""Shared fixtures: a real database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from hypothesis import settings
from hypothesis.internal.detection import is_hypothesis_test

from mailer.campaigns import source as campaign_source
from mailer.config import Settings, load_settings
from mailer.db import Database
from tests.databases import (
    BASE_POSTGRES_URL,
    build_postgres_template,
    clone_postgres_for_worker,
    postgres_url,
    sqlite_copy,
    truncate,
    worker_template,
)

POSTGRES_URL = postgres_url()  # this xdist worker's own database
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

# Hypothesis replays the same examples in `make test` and CI; `make fuzz` explores.
settings.register_profile("replay", derandomize=True, database=None, deadline=None)
settings.register_profile("fuzz", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "replay"))
FUZZ = int(os.environ.get("MAILER_FUZZ_FACTOR", "1"))


def examples(count: int) -> int:
    """A test's number of examples: ``count`` in CI, times ``MAILER_FUZZ_FACTOR`` in `make fuzz`."""
    return count * FUZZ


SLOW = ("chaos", "browser", "scale", "subprocess")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every hypothesis test is a ``fuzz`` test (`make fuzz` selects them); the slow kinds run
    first, so that pytest-xdist's workers do not end waiting on one long test."""
    for item in items:
        if is_hypothesis_test(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.fuzz)
    items.sort(key=_order)


def _order(item: pytest.Item) -> int:
    """Browser tests first (a worker then keeps one chromium open for all of them: see
    tests/browser/conftest.py), then the other slow kinds, then the rest."""
    if item.get_closest_marker("browser"):
        return 0
    return 1 if any(item.get_closest_marker(name) for name in SLOW) else 2


def pytest_sessionstart(session: pytest.Session) -> None:
    """The controlling process migrates the PostgreSQL template that every worker clones."""
    if BASE_POSTGRES_URL and not hasattr(session.config, "workerinput"):
        build_postgres_template()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[Database]:
    """This worker's migrated PostgreSQL database, cloned from the template; tests empty it."""
    database = clone_postgres_for_worker()
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def sqlite_template() -> Path:
    """One migrated SQLite file per worker; each test gets a copy."""
    return worker_template()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL of an empty, migrated database of the parametrised backend."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        return sqlite_copy(template, tmp_path / "mailer.db")
    database: Database = request.getfixturevalue("postgres_database")
    truncate(database)
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
SAMPLE_LIBRARY = REPO / "campaigns" / "approaches"


def copy_sample(source_folder: Path, folder: Path) -> Path:
    """An issue folder (the sample's) copied to ``folder``, with the sample library beside it
    (``approaches/``): the sample's items refer to its approaches."""
    shutil.copytree(source_folder, folder, dirs_exist_ok=True)
    shutil.copytree(SAMPLE_LIBRARY, folder.parent / "approaches", dirs_exist_ok=True)
    return folder


def sendable_text(folder: Path) -> str:
    """A folder's campaign.toml text as it is approved and sent: its approaches resolved from
    ``approaches/`` beside it (the sample's own text names them only by slug)."""
    found, problems = campaign_source.read(folder)
    assert found is not None, problems
    return found.text


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
        # the argon2id profile is not what these tests are about; the CLI tests keep the default
        "MAILER_WEB__PASSWORD_PROFILE": "cheapest-for-tests",
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
