"""The chaos suite's PostgreSQL fixture: the session's test database, emptied first."""

from __future__ import annotations

import pytest

from mailer.db import Database
from tests.conftest import POSTGRES_URL, SKIP_POSTGRES, _truncate


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """MAILER_TEST_POSTGRES_URL, its database emptied; the test is skipped without one."""
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    database: Database = request.getfixturevalue("postgres_database")
    _truncate(database)
    return POSTGRES_URL
