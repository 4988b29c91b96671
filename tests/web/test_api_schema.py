"""Schemathesis over the OpenAPI document: generated requests to every API operation and
webhook, with a token of every scope, never get a 5xx (SQLite; bounded examples).

Schemathesis' Python API is used directly (its lazy pytest fixture loader does not run under
this pytest); each operation gets its own bounded hypothesis run.
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case

from mailer.web.app import create_app
from tests.web.test_api_auth import token_for
from tests.web.test_staff_support import add_people, make_app

EXAMPLES = 20


def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'mailer.db'}", tmp_path,
                   webhooks__mailgun_signing_key="key-0123456789abcdef")  # fmt: skip
    add_people(app, tmp_path)
    headers = {"Authorization": f"Bearer {token_for(app)}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(app)).include(
        path_regex=r"^/(api/v1|webhooks)/"
    )
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def no_server_error(case: Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        no_server_error()
        tested.append(operation.label)
    assert len(tested) >= 19, tested
