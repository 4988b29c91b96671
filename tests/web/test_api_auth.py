"""REST API tokens: made and revoked with the CLI, checked on every route, scoped.

Also the shared helpers of the ``test_api_*`` files: ``Api`` calls the web app in process
through ``httpx.AsyncClient`` over ``httpx.ASGITransport``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from mailer.access.api_tokens import SCOPES, add_token, list_tokens
from mailer.app import App
from mailer.web.app import create_app
from tests.conftest import Cli
from tests.web.test_staff_support import Clock, add_people, make_app

BASE = "http://mailer.test"
UNSET: Any = object()


class Api:
    """Requests to the app in process; ``token`` goes in ``Authorization: Bearer``."""

    def __init__(self, app: App, token: str | None = None) -> None:
        self.app = app
        self.web = create_app(app)
        self.token = token

    @property
    def clock(self) -> Clock:
        assert isinstance(self.app.clock, Clock)
        return self.app.clock

    def __call__(self, method: str, path: str, *, token: Any = UNSET, **kw: Any) -> httpx.Response:
        chosen = self.token if token is UNSET else token
        headers = dict(kw.pop("headers", {}))
        if chosen is not None:
            headers.setdefault("Authorization", f"Bearer {chosen}")

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.web, client=("203.0.113.9", 40000))
            async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
                return await http.request(method, path, headers=headers, **kw)

        return asyncio.run(send())

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self("POST", path, **kw)


def token_for(app: App, *scopes: str, name: str = "test") -> str:
    return add_token(app.database, name, list(scopes or SCOPES), now=app.clock()).secret


@pytest.fixture(name="api")
def api_fixture(db_url: str, tmp_path: Path) -> Api:
    """The app (with the sample campaign folder and four people on ``members``), and a token
    with every scope."""
    app = make_app(db_url, tmp_path)
    add_people(app, tmp_path)
    return Api(app, token_for(app))


def api_operations(api: Api) -> list[tuple[str, str]]:
    """(method, path with placeholders filled) of every /api/v1 operation in the spec."""
    spec = api.get("/api/v1/openapi.json", token=None).json()
    found = []
    for path, item in spec["paths"].items():
        if path.startswith("/api/v1/"):
            for method in item:
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "x", path)))
    return found


def test_every_api_route_needs_a_token(api: Api) -> None:
    operations = api_operations(api)
    assert len(operations) >= 15
    for method, path in operations:
        response = api(method, path, token=None)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "Authorization: Bearer" in response.json()["error"]


def test_unknown_token_or_another_scheme_is_401(api: Api) -> None:
    unknown = api.get("/api/v1/lists", token="mlr_" + "x" * 43)
    assert unknown.status_code == 401
    assert 'error="invalid_token"' in unknown.headers["www-authenticate"]
    assert unknown.json() == {"error": "the API token is unknown or revoked"}
    basic = api.get("/api/v1/lists", token=None, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401
    assert api.get("/api/v1/lists").status_code == 200


def test_cli_token_works_until_revoked_and_is_stored_only_hashed(api: Api, cli: Cli) -> None:
    made = cli("tokens", "add", "crm-sync", "--scope", "lists:read", "--scope", "stats:read")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert re.fullmatch(r"mlr_[A-Za-z0-9_-]{43}", token)
    assert "shown only now" in made.stderr
    with api.app.database.read() as conn:
        rows = conn.execute(sa.text("SELECT name, token_hash, scopes FROM api_token")).all()
    stored = {name: (digest, scopes) for name, digest, scopes in rows}
    assert stored["crm-sync"] == (
        hashlib.sha256(token.encode()).hexdigest(),
        "lists:read stats:read",
    )
    assert token not in repr(rows)

    assert api.get("/api/v1/lists", token=token).status_code == 200
    listed = [json.loads(line) for line in cli("tokens", "list", "--json").stdout.splitlines()]
    crm = next(item for item in listed if item["name"] == "crm-sync")
    assert crm["scopes"] == ["lists:read", "stats:read"]
    assert crm["revoked_at"] is None
    assert crm["last_used_at"] is not None

    revoked = cli("tokens", "revoke", "crm-sync")
    assert revoked.exit_code == 0
    assert "revoked API token 'crm-sync'" in revoked.stdout
    refused = api.get("/api/v1/lists", token=token)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    again = cli("tokens", "revoke", str(crm["id"]))
    assert again.exit_code == 2
    assert "already revoked" in again.stderr
    assert "revoked" in cli("tokens", "list").stdout


def test_cli_refuses_bad_tokens_requests(cli: Cli, db: Any) -> None:
    none = cli("tokens", "add", "nothing")
    assert none.exit_code == 2
    assert "give at least one of" in none.stderr
    bad = cli("tokens", "add", "x", "--scope", "everything")
    assert bad.exit_code == 2
    assert "everything" in bad.output
    assert cli("tokens", "add", "twice", "--all-scopes").exit_code == 0
    twice = cli("tokens", "add", "twice", "--scope", "stats:read")
    assert twice.exit_code == 2
    assert "exists" in twice.stderr
    digits = cli("tokens", "add", "42", "--scope", "stats:read")
    assert digits.exit_code == 2
    assert "digits" in digits.stderr
    missing = cli("tokens", "revoke", "nobody")
    assert missing.exit_code == 2
    assert "no API token 'nobody'" in missing.stderr


def test_wrong_scope_is_403_naming_the_scope(api: Api) -> None:
    reader = token_for(api.app, "lists:read", name="reader")
    assert api.get("/api/v1/lists", token=reader).status_code == 200
    refused = api.get("/api/v1/subscribers", token=reader)
    assert refused.status_code == 403
    assert refused.json()["scope"] == "subscribers:read"
    assert "lacks the scope subscribers:read" in refused.json()["error"]
    write = api.post("/api/v1/lists", json={"name": "new"}, token=reader)
    assert (write.status_code, write.json()["scope"]) == (403, "lists:write")
    assert api.get("/api/v1/lists/new").status_code == 404  # nothing was created


def test_last_use_is_recorded_at_most_once_a_minute(api: Api) -> None:
    def last_used() -> Any:
        (token,) = [t for t in list_tokens(api.app.database) if t.name == "test"]
        return token.last_used_at

    assert last_used() is None
    start = api.clock.now
    api.get("/api/v1/stats")
    assert last_used() == start
    api.clock.now = start + timedelta(seconds=59)
    api.get("/api/v1/stats")
    assert last_used() == start
    api.clock.now = start + timedelta(seconds=61)
    api.get("/api/v1/stats")
    assert last_used() == start + timedelta(seconds=61)


def test_unknown_paths_and_methods_answer_json(api: Api) -> None:
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert "no such endpoint" in missing.json()["error"]
    wrong = api("PUT", "/api/v1/lists")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, POST"


def test_openapi_document_and_reference_page(api: Api) -> None:
    spec = api.get("/api/v1/openapi.json", token=None).json()
    assert spec["info"]["title"] == "mailer"
    assert spec["info"]["version"]
    assert spec["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["token"]["description"],
    }
    create = spec["paths"]["/api/v1/subscribers"]["post"]
    assert {"401", "403", "409", "422"} <= set(create["responses"])
    assert create["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    page = api.get("/api/v1/docs", token=None)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/api/v1/subscribers/{ref}" in page.text
    assert "<script" not in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
