"""``/api/v1/lists`` and ``/api/v1/campaigns``: lists, campaign state, status, preview and
pause/resume/cancel, with 404 and 409 where a user would expect them."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from mailer.campaigns import lifecycle, source
from tests.conftest import sendable_text
from tests.integration.test_dispatch import Scripted, send_all
from tests.web.test_api_auth import Api, api_fixture  # noqa: F401 (the fixture)
from tests.web.test_staff_support import SLUG

CAMPAIGN = f"/api/v1/campaigns/{SLUG}"


def start(api: Api) -> int:
    folder = Path(api.app.settings.paths.campaigns) / SLUG
    text = sendable_text(folder)
    return lifecycle.start(api.app.database, source.load_valid(folder), text, now=api.clock())


def test_lists_are_listed_created_and_refused_twice(api: Api) -> None:
    (members,) = api.get("/api/v1/lists").json()
    assert (members["name"], members["active"], members["unsubscribed"]) == ("members", 4, 0)
    made = api.post("/api/v1/lists", json={"name": "partners", "description": "Partner orgs"})
    assert made.status_code == 201, made.text
    assert made.json()["description"] == "Partner orgs"
    assert made.json()["active"] == 0
    assert [item["name"] for item in api.get("/api/v1/lists").json()] == ["members", "partners"]
    assert api.get("/api/v1/lists/partners").json()["name"] == "partners"
    twice = api.post("/api/v1/lists", json={"name": "partners"})
    assert twice.status_code == 409
    assert "already exists" in twice.json()["error"]
    assert api.get("/api/v1/lists/nope").status_code == 404
    empty = api.post("/api/v1/lists", json={"name": ""})
    assert (empty.status_code, empty.json()["field"]) == (422, "name")
    bad = api.post("/api/v1/lists", json={"name": "x" * 150})
    assert (bad.status_code, bad.json()["field"]) == (422, "list name")
    oversized = api.post(
        "/api/v1/lists",
        content=b" " * (1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )
    assert oversized.status_code == 413


def test_a_json_body_that_cannot_be_parsed_is_answered_in_the_api_error_shape(api: Api) -> None:
    json_body = {"Content-Type": "application/json"}
    for body in ("[" * 100_000 + "]" * 100_000, '{"name": ' * 50_000 + "1" + "}" * 50_000):
        refused = api.post("/api/v1/lists", content=body.encode(), headers=json_body)
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"error": "There was an error parsing the body"}
    assert [item["name"] for item in api.get("/api/v1/lists").json()] == ["members"]


def test_campaign_folders_with_their_stored_state(api: Api) -> None:
    (draft_list,) = [c for c in api.get("/api/v1/campaigns").json() if c["slug"] == SLUG]
    assert (draft_list["state"], draft_list["stored"], draft_list["total"]) == ("draft", False, 0)
    assert draft_list["subject"].startswith("December digest")
    assert api.get(f"{CAMPAIGN}/status").status_code == 404  # never started

    assert start(api) == 4
    one = api.get(CAMPAIGN).json()
    assert (one["state"], one["stored"], one["total"], one["done"]) == ("sending", True, 4, 0)
    assert one["counts"]["queued"] == 4
    assert one["has_folder"]
    status = api.get(f"{CAMPAIGN}/status").json()
    assert (status["state"], status["total"], status["counts"]["queued"]) == ("sending", 4, 4)
    shutil.rmtree(Path(api.app.settings.paths.campaigns) / SLUG)
    (gone,) = api.get("/api/v1/campaigns").json()
    assert (gone["slug"], gone["has_folder"], gone["state"]) == (SLUG, False, "sending")
    assert api.get(CAMPAIGN).json()["has_folder"] is False
    assert api.get("/api/v1/campaigns/2027-01-missing").status_code == 404
    assert api.get("/api/v1/campaigns/..%2Fetc").status_code == 404


def test_pause_resume_cancel_and_conflicts(api: Api) -> None:
    assert api.post(f"{CAMPAIGN}/pause").status_code == 404  # nothing stored yet
    start(api)
    paused = api.post(f"{CAMPAIGN}/pause")
    assert paused.status_code == 200
    assert paused.json() == {"slug": SLUG, "state": "paused"}
    twice = api.post(f"{CAMPAIGN}/pause")
    assert twice.status_code == 409
    assert "is paused" in twice.json()["error"]
    assert api.post(f"{CAMPAIGN}/resume").json()["state"] == "sending"
    assert api.post(f"{CAMPAIGN}/cancel").json()["state"] == "cancelled"
    assert api.get(f"{CAMPAIGN}/status").json()["counts"]["skipped"] == 4
    assert api.post(f"{CAMPAIGN}/resume").status_code == 409
    assert api.get(CAMPAIGN).json()["percent"] == 100


def test_a_sent_campaign_cannot_be_paused(api: Api) -> None:
    start(api)
    asyncio.run(send_all(api.app, Scripted()))
    assert api.get(f"{CAMPAIGN}/status").json()["state"] == "sent"
    refused = api.post(f"{CAMPAIGN}/pause")
    assert refused.status_code == 409
    assert refused.json()["error"] == (
        f"campaign '{SLUG}' is sent; pause works only when it is sending"
    )
    assert api.post(f"{CAMPAIGN}/cancel").status_code == 409


def test_preview_per_language_and_per_subscriber(api: Api) -> None:
    russian = api.get(f"{CAMPAIGN}/preview", params={"lang": "ru"})
    assert russian.status_code == 200, russian.text
    body = russian.json()
    assert body["language"] == "ru"
    assert body["subject"].startswith("Декабрьский выпуск")
    assert "<html" in body["html"].lower()
    assert "Дорогие коллеги" in body["text"]
    assert body["recipient"] is None
    fallback = api.get(f"{CAMPAIGN}/preview", params={"lang": "be"}).json()
    assert fallback["language"] == "ru"
    default = api.get(f"{CAMPAIGN}/preview").json()
    assert default["language"] == "en"

    nino = api.get(f"{CAMPAIGN}/preview", params={"email": "nino@example.org"}).json()
    assert (nino["language"], nino["recipient"]) == ("ka", "nino@example.org")
    assert "Нино" in nino["text"]

    assert api.get(f"{CAMPAIGN}/preview", params={"lang": "xx"}).status_code == 404
    nobody = api.get(f"{CAMPAIGN}/preview", params={"email": "nobody@example.org"})
    assert nobody.status_code == 404
    broken = Path(api.app.settings.paths.campaigns) / "2027-01-broken"
    broken.mkdir()
    (broken / "campaign.toml").write_text('template = "newsletter"\nlists = 3\n')
    refused = api.get("/api/v1/campaigns/2027-01-broken/preview")
    assert refused.status_code == 409
    assert "has errors" in refused.json()["error"]
