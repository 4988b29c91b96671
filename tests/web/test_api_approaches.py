"""``/api/v1/approaches``: create (201), list and read with an ETag, save with If-Match (200,
412, 428), scopes (403), unknown approaches (404), history; an issue referring to an approach
is unchanged by a save through the API until it takes the update (SQLite and PostgreSQL, real
HTTP requests to the app)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mailer import issues
from mailer.app import App
from tests.conftest import table_count
from tests.integration.issue_support import EDITOR, Clock, make_app, sample_document
from tests.web.test_api_auth import Api, token_for

SLUG = "webinar-fathers-clubs"
URL = f"/api/v1/approaches/{SLUG}"
EVENT = {
    "kind": "event",
    "state": "published",
    "organisation": "EECA MenEngage Platform",
    "contact": "webinars@example.org",
    "countries": ["GE", "KG"],
    "interests": ["fatherhood"],
    "links": ["https://example.org/eeca/webinars/fathers-clubs"],
    "starts_at": "2027-01-20T14:00",
    "ends_at": "2027-01-20T15:30",
    "timezone": "Europe/Belgrade",
    "registration": "https://example.org/eeca/webinars/fathers-clubs/register",
    "content": {
        "en": {"title": "Webinar: starting a fathers' club", "summary": "An hour with Telavi."},
        "ru": {"title": "Вебинар: как открыть клуб отцов", "summary": "Час с командой Телави."},
    },
}


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    made = make_app(db_url, tmp_path, Clock())
    yield made
    made.close()


@pytest.fixture
def api(app: App) -> Api:
    return Api(app, token_for(app, "approaches:read", "approaches:write", name="library"))


def put(api: Api, document: dict[str, Any], match: str | None) -> httpx.Response:
    headers = {} if match is None else {"If-Match": match}
    return api("PUT", URL, json={"document": document}, headers=headers)


def created(api: Api) -> httpx.Response:
    made = api.post("/api/v1/approaches", json={"slug": SLUG, "document": EVENT})
    assert made.status_code == 201, made.text
    return made


def test_create_is_201_with_an_etag_and_reads_back_in_the_list(api: Api) -> None:
    made = created(api)
    assert (made.headers["etag"], made.headers["location"]) == ('"1"', URL)
    body = made.json()
    assert (body["slug"], body["revision"], body["state"], body["kind"]) == (
        SLUG,
        1,
        "published",
        "event",
    )
    assert body["document"] == EVENT
    assert body["author"] == "api:library"
    assert [p for p in body["problems"] if p["severity"] == "error"] == []
    one = api.get(URL)
    assert (one.status_code, one.headers["etag"], one.json()["document"]) == (200, '"1"', EVENT)
    events = api.get("/api/v1/approaches", params={"kind": "event"}).json()
    assert [a["slug"] for a in events] == [SLUG]
    every = [a["slug"] for a in api.get("/api/v1/approaches").json()]
    assert SLUG in every
    assert "fathers-clubs-kakheti" in every  # the sample library
    again = api.post("/api/v1/approaches", json={"slug": SLUG, "document": EVENT})
    assert again.status_code == 409
    bad = api.post("/api/v1/approaches", json={"slug": "Вебинар", "document": EVENT})
    assert (bad.status_code, bad.json()["field"]) == (422, "slug")


def test_a_save_needs_if_match_and_a_stale_one_is_412_with_the_current(api: Api) -> None:
    created(api)
    changed = copy.deepcopy(EVENT)
    changed["content"]["en"]["summary"] = "Ninety minutes with the Telavi team."
    missing = put(api, changed, None)
    assert (missing.status_code, missing.json()["field"]) == (428, "If-Match")
    saved = put(api, changed, '"1"')
    assert (saved.status_code, saved.headers["etag"]) == (200, '"2"')
    assert (saved.json()["revision"], saved.json()["changed"]) == (2, True)
    same = put(api, changed, '"2"')
    assert (same.status_code, same.json()["changed"], same.headers["etag"]) == (200, False, '"2"')
    stale = put(api, EVENT, '"1"')
    assert stale.status_code == 412
    assert stale.headers["etag"] == '"2"'
    refused = stale.json()
    assert (refused["revision"], refused["current_by"]) == (2, "api:library")
    assert refused["current"]["document"] == changed
    assert "approach 'webinar-fathers-clubs'" in refused["error"]
    assert table_count(api.app.database, "approach_revision") == 8 + 2  # the sample's 8
    history = api.get(f"{URL}/revisions").json()
    assert [r["number"] for r in history] == [2, 1]
    first = api.get(f"{URL}/revisions/1").json()
    assert first["document"] == EVENT
    assert put(api, changed, '"x"').status_code == 422


def test_scopes_and_unknown_approaches(app: App, api: Api) -> None:
    created(api)
    reader = Api(app, token_for(app, "approaches:read", name="reader"))
    assert reader.get(URL).status_code == 200
    refused = reader("PUT", URL, json={"document": EVENT}, headers={"If-Match": '"1"'})
    assert (refused.status_code, refused.json()["scope"]) == (403, "approaches:write")
    issues_only = Api(app, token_for(app, "issues:read", name="issues-only"))
    assert issues_only.get("/api/v1/approaches").status_code == 403
    assert api.get("/api/v1/approaches/no-such").status_code == 404
    assert api.get(f"{URL}/revisions/9").status_code == 404
    assert put(api, EVENT, '"1"').json()["changed"] is False


def test_a_save_through_the_api_leaves_an_issue_until_it_takes_the_update(
    app: App, api: Api
) -> None:
    desk = app.issue_desk()
    issues.create_issue(desk, "2027-01-digest", sample_document(), by=EDITOR, now=app.clock())
    before = issues.campaign_text(desk, "2027-01-digest").text
    url = "/api/v1/approaches/fathers-clubs-kakheti"
    current = api.get(url)
    document = current.json()["document"]
    document["content"]["en"]["title"] = "Fathers' clubs: a new title from the library"
    assert put_to(api, url, document, current.headers["etag"]).status_code == 200
    assert issues.campaign_text(desk, "2027-01-digest").text == before
    assert [u.slug for u in issues.updates(desk, "2027-01-digest")] == ["fathers-clubs-kakheti"]
    issues.take_updates(desk, "2027-01-digest", by=EDITOR, now=app.clock())
    assert "a new title from the library" in issues.campaign_text(desk, "2027-01-digest").text


def put_to(api: Api, url: str, document: dict[str, Any], match: str) -> httpx.Response:
    return api("PUT", url, json={"document": document}, headers={"If-Match": match})
