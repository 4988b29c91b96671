"""Schemathesis over the OpenAPI document: generated requests to every API operation and
webhook, with a token of every scope, never get a 5xx (SQLite; bounded examples).

Schemathesis' Python API is used directly (its lazy pytest fixture loader does not run under
this pytest); each operation gets its own bounded hypothesis run, and the operations are split
into shards that pytest-xdist runs side by side. `make test` replays the same examples every
run (the "replay" profile in tests/conftest.py); `make fuzz` draws new ones, ten times as many.
A request `make fuzz` finds failing becomes a test case of its own beside that surface.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings

from mailer.web.app import create_app
from tests.conftest import examples
from tests.databases import sqlite_copy, worker_template
from tests.web.test_api_auth import token_for
from tests.web.test_staff_support import add_people, make_app

if TYPE_CHECKING:
    from schemathesis.generation.case import Case

EXAMPLES = 20
SHARDS = 4


@pytest.mark.fuzz
@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_generated_request_gets_a_server_error(shard: int, tmp_path: Path) -> None:
    import schemathesis  # here, not at collection: every xdist worker collects this module
    from schemathesis.checks import not_a_server_error

    app = make_app(
        sqlite_copy(worker_template(), tmp_path / "mailer.db"),
        tmp_path,
        webhooks__mailgun_signing_key="key-0123456789abcdef",
    )
    add_people(app, tmp_path)
    headers = {"Authorization": f"Bearer {token_for(app)}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(app)).include(
        path_regex=r"^/(api/v1|webhooks)/"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 19, [operation.label for operation in operations]
    for operation in operations[shard::SHARDS]:

        @given(case=operation.as_strategy())
        @settings(max_examples=examples(EXAMPLES), suppress_health_check=list(HealthCheck))
        def no_server_error(case: Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        no_server_error()
