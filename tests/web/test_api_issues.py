"""``/api/v1/issues``: create (201), read with an ETag, save with If-Match (200, 412, 428),
scopes (403), unknown issues and revisions (404), history and campaign.toml, on SQLite and
PostgreSQL, over real HTTP requests to the app (httpx)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mailer import issues
from mailer.app import App
from tests.conftest import Cli, table_count
from tests.integration.issue_support import APPROVER, Clock, make_app, sample_document
from tests.web.test_api_auth import Api, token_for

SLUG = "2027-01-digest"
ISSUE = f"/api/v1/issues/{SLUG}"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    made = make_app(db_url, tmp_path, Clock())
    yield made
    made.close()


@pytest.fixture
def api(app: App) -> Api:
    return Api(app, token_for(app, "issues:read", "issues:write", name="newsroom"))


def put(api: Api, document: dict[str, Any], match: str | None, **extra: Any) -> httpx.Response:
    headers = {} if match is None else {"If-Match": match}
    return api("PUT", ISSUE, json={"document": document, **extra}, headers=headers)


def created(api: Api, document: dict[str, Any] | None = None) -> httpx.Response:
    made = api.post(
        "/api/v1/issues", json={"slug": SLUG, "document": document or sample_document()}
    )
    assert made.status_code == 201, made.text
    return made


def test_create_is_201_with_an_etag_and_the_issue_reads_back(api: Api) -> None:
    made = created(api)
    assert made.headers["etag"] == '"1"'
    assert made.headers["location"] == ISSUE
    body = made.json()
    assert (body["slug"], body["state"], body["revision"]) == (SLUG, "draft", 1)
    assert body["document"] == sample_document()
    assert [p for p in body["problems"] if p["severity"] == "error"] == []

    one = api.get(ISSUE)
    assert (one.status_code, one.headers["etag"]) == (200, '"1"')
    assert set(one.json()) == {"slug", "state", "revision", "document", "problems"}
    assert one.json()["document"] == sample_document()
    (line,) = api.get("/api/v1/issues").json()
    assert (line["slug"], line["state"], line["revision"]) == (SLUG, "draft", 1)
    assert line["author"] == "api:newsroom"
    first = sample_document()["languages"][0]
    assert line["subject"] == sample_document()["content"][first]["subject"]

    again = api.post("/api/v1/issues", json={"slug": SLUG, "document": sample_document()})
    assert again.status_code == 409
    assert SLUG in again.json()["error"]
    bad = api.post("/api/v1/issues", json={"slug": "Январь", "document": {}})
    assert (bad.status_code, bad.json()["field"]) == (422, "slug")
    assert table_count(api.app.database, "issue_revision") == 1


def test_a_save_with_if_match_is_200_a_new_revision_and_its_etag(api: Api) -> None:
    created(api)
    changed = sample_document()
    changed["content"]["ka"]["subject"] = "იანვრის გამოცემა"
    saved = put(api, changed, '"1"', message="January subject")
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"2"'
    body = saved.json()
    assert (body["revision"], body["state"], body["changed"]) == (2, "draft", True)
    assert body["returned_to_draft"] is False
    assert api.get(ISSUE).json()["document"]["content"]["ka"]["subject"] == "იანვრის გამოცემა"

    same = put(api, changed, '"2"')
    assert (same.status_code, same.json()["changed"], same.headers["etag"]) == (200, False, '"2"')

    history = api.get(f"{ISSUE}/revisions").json()
    assert [r["number"] for r in history] == [2, 1]  # newest first
    assert (history[0]["author"], history[0]["message"]) == ("api:newsroom", "January subject")
    first = api.get(f"{ISSUE}/revisions/1").json()
    assert (first["number"], first["document"]) == (1, sample_document())
    assert first["hash"] == history[1]["hash"]


def test_a_stale_save_is_412_with_the_current_revision_and_stores_nothing(api: Api) -> None:
    created(api)
    theirs = sample_document()
    theirs["content"]["ru"]["subject"] = "Их правка"
    assert put(api, theirs, '"1"').status_code == 200
    mine = sample_document()
    mine["content"]["ru"]["subject"] = "Моя правка"
    stale = put(api, mine, '"1"')
    assert stale.status_code == 412, stale.text
    assert stale.headers["etag"] == '"2"'
    body = stale.json()
    assert (body["revision"], body["current_by"]) == (2, "api:newsroom")
    assert body["current"]["document"]["content"]["ru"]["subject"] == "Их правка"
    assert "revision 2" in body["error"]
    assert "nothing was saved" in body["error"]
    assert table_count(api.app.database, "issue_revision") == 2
    assert api.get(ISSUE).json()["document"]["content"]["ru"]["subject"] == "Их правка"


def test_a_save_without_if_match_is_428_and_a_bad_one_is_422(api: Api) -> None:
    created(api)
    missing = put(api, sample_document(), None)
    assert missing.status_code == 428, missing.text
    assert "If-Match" in missing.json()["error"]
    for bad in ("*", "three", '"1", "2"'):
        refused = put(api, sample_document(), bad)
        assert (refused.status_code, refused.json()["field"]) == (422, "If-Match"), bad
    assert table_count(api.app.database, "issue_revision") == 1


def test_a_draft_with_lint_problems_saves_and_returns_them(api: Api) -> None:
    created(api)
    broken = sample_document()
    del broken["content"]["ka"]["subject"]
    broken["items"][0]["interests"] = ["basket weaving"]
    broken["approved"] = True
    saved = put(api, broken, '"1"')
    assert saved.status_code == 200, saved.text
    problems = saved.json()["problems"]
    keys = {p["key"] for p in problems if p["severity"] == "error"}
    assert "content.ka.subject" in keys, problems
    assert "items[0] (fathers-clubs-georgia).interests" in {p["key"] for p in problems}
    assert any(p["key"] == "approved" for p in problems)  # a save never approves
    read = api.get(ISSUE).json()
    assert read["revision"] == 2
    assert read["document"]["approved"] is False
    assert any(p["severity"] == "error" for p in read["problems"])


def test_a_save_after_approval_returns_the_issue_to_draft(api: Api) -> None:
    created(api)
    issues.approve(api.app.issue_desk(), SLUG, 1, by=APPROVER, now=api.app.clock())
    assert api.get(ISSUE).json()["state"] == "approved"
    changed = sample_document()
    changed["content"]["sr"]["subject"] = "Januar"
    saved = put(api, changed, '"1"').json()
    assert (saved["state"], saved["returned_to_draft"]) == ("draft", True)


def test_unknown_issues_and_revisions_are_404(api: Api) -> None:
    created(api)
    for path in (
        "/api/v1/issues/2030-01-none",
        "/api/v1/issues/2030-01-none/revisions",
        "/api/v1/issues/2030-01-none/revisions/1",
        "/api/v1/issues/2030-01-none/campaign.toml",
        f"{ISSUE}/revisions/2",
        f"{ISSUE}/campaign.toml?revision=5",
    ):
        answered = api.get(path)
        assert answered.status_code == 404, (path, answered.text)
        assert answered.json()["error"]
    unknown = api(
        "PUT", "/api/v1/issues/2030-01-none", json={"document": {}}, headers={"If-Match": '"1"'}
    )
    assert unknown.status_code == 404
    assert api.get(f"{ISSUE}/revisions/0").status_code == 422


def test_scopes_are_403_naming_the_scope(app: App) -> None:
    writer = Api(app, token_for(app, "issues:read", "issues:write", name="writer"))
    reader = Api(app, token_for(app, "issues:read", name="reader"))
    other = Api(app, token_for(app, "campaigns:read", "campaigns:write", name="other"))
    created(writer)
    refused = reader.post("/api/v1/issues", json={"slug": "2027-02-x", "document": {}})
    assert (refused.status_code, refused.json()["scope"]) == (403, "issues:write")
    stale_put = put(reader, sample_document(), '"1"')
    assert (stale_put.status_code, stale_put.json()["scope"]) == (403, "issues:write")
    assert reader.get(ISSUE).status_code == 200
    for path in ("/api/v1/issues", ISSUE, f"{ISSUE}/revisions", f"{ISSUE}/campaign.toml"):
        answered = other.get(path)
        assert (answered.status_code, answered.json()["scope"]) == (403, "issues:read"), path
    assert table_count(app.database, "issue_revision") == 1


def test_campaign_toml_is_text_that_lint_accepts(api: Api, cli: Cli, tmp_path: Path) -> None:
    created(api)
    changed = copy.deepcopy(sample_document())
    changed["content"]["ru"]["intro"] = "Новое вступление.\n\nВторой абзац «в кавычках»."
    assert put(api, changed, '"1"').status_code == 200
    text = api.get(f"{ISSUE}/campaign.toml")
    assert text.status_code == 200
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.headers["etag"] == '"2"'
    first = api.get(f"{ISSUE}/campaign.toml?revision=1")
    assert first.headers["etag"] == '"1"'
    assert first.text != text.text
    folder = tmp_path / "out" / SLUG
    folder.mkdir(parents=True)
    (folder / "campaign.toml").write_text(text.text, encoding="utf-8")
    cli.env["MAILER_DATABASE__URL"] = str(api.app.settings.database.url)
    cli.env["MAILER_PATHS__TEMPLATES"] = str(api.app.settings.paths.templates)
    linted = cli("campaign", "lint", str(folder))
    assert linted.exit_code == 0, linted.output
    assert "0 error(s)" in linted.stdout
    assert "no change" in cli("campaign", "import", str(folder)).stdout
