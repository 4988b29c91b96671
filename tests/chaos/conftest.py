"""The chaos suite's PostgreSQL fixtures: this worker's test database, emptied first, and a
server of the test's own for the test that restarts it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailer.db import Database
from tests import private_postgres
from tests.chaos.harness import fresh_database
from tests.conftest import POSTGRES_URL, SKIP_POSTGRES
from tests.databases import truncate
from tests.private_postgres import PrivatePostgres


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """This worker's PostgreSQL test database, emptied; the test is skipped without one."""
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    database: Database = request.getfixturevalue("postgres_database")
    truncate(database)
    return POSTGRES_URL


@pytest.fixture
def private_postgres_url() -> Iterator[tuple[str, PrivatePostgres]]:
    """A migrated database on a PostgreSQL server of this test's own, which it may restart
    while other tests run beside it; skipped like every PostgreSQL test without the variable."""
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    server = private_postgres.start()
    try:
        fresh_database(server.url)
        yield server.url, server
    finally:
        server.stop()
