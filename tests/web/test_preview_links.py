"""A preview "as one subscriber gets it" never holds a link that acts on that subscriber.

The API needs ``subscribers:read`` to preview as a person (it shows their name and choices);
and in every preview (API, staff page, ``mailer campaign preview --email``) the unsubscribe
and preferences links, and ``List-Unsubscribe``, are the preview recipient's: they answer
404, and the real person stays subscribed.
"""

from __future__ import annotations

import asyncio
import re
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest

from mailer.app import App
from tests.conftest import REPO, Cli
from tests.web.test_api_auth import Api, token_for
from tests.web.test_staff_support import SLUG, add_people, add_staff, make_app, signed_in

CAMPAIGN = f"/api/v1/campaigns/{SLUG}"
PERSONAL = re.compile(r"https?://[^/\s\"'<>]+(/(?:u|preferences|confirm)/[A-Za-z0-9._:-]+)")


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_people(made, tmp_path)
    add_staff(made)
    return made


def personal_links(*texts: str) -> set[str]:
    found = {path for text in texts for path in PERSONAL.findall(text)}
    assert found, "the preview has no unsubscribe or preferences link"
    return found


def assert_act_on_nobody(api: Api, links: set[str]) -> None:
    """Every link answers the invalid-link page; nino is still subscribed."""
    for path in links:
        for method in ("GET", "POST"):
            answer = api(method, path, token=None, data={"List-Unsubscribe": "One-Click"})
            assert answer.status_code == 404, (method, path, answer.status_code)
        answer = api("POST", f"{path}/erase", token=None, data={"confirm": "yes"})
        assert answer.status_code in (404, 405), path
    nino = api.get("/api/v1/subscribers/nino@example.org").json()
    assert nino["status"] == "active"
    assert {item["status"] for item in nino["lists"]} == {"active"}


def test_previewing_a_person_needs_subscribers_read(app: App) -> None:
    reader = Api(app, token_for(app, "campaigns:read", name="reader"))
    refused = reader.get(f"{CAMPAIGN}/preview", params={"email": "nino@example.org"})
    assert refused.status_code == 403, refused.text[:300]
    assert refused.json()["scope"] == "subscribers:read"
    assert "nino" not in refused.text.lower()
    by_id = reader.get(f"{CAMPAIGN}/preview", params={"email": "1"})
    assert by_id.status_code == 403
    assert reader.get(f"{CAMPAIGN}/preview", params={"lang": "ru"}).status_code == 200
    both = Api(app, token_for(app, "campaigns:read", "subscribers:read", name="both"))
    shown = both.get(f"{CAMPAIGN}/preview", params={"email": "nino@example.org"})
    assert shown.status_code == 200, shown.text
    assert shown.json()["recipient"] == "nino@example.org"


def test_api_preview_links_act_on_nobody(app: App) -> None:
    api = Api(app, token_for(app))
    nino = api.get(f"{CAMPAIGN}/preview", params={"email": "nino@example.org"}).json()
    assert "Нино" in nino["text"]
    assert_act_on_nobody(api, personal_links(nino["html"], nino["text"]))


def test_staff_preview_links_act_on_nobody(app: App) -> None:
    pages: list[str] = []

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = f"/staff/campaigns/{SLUG}/preview"
            for path in (page, f"{page}.html"):
                shown = await http.get(path, params={"email": "nino@example.org"})
                assert shown.status_code == 200, shown.text
                pages.append(shown.text)

    asyncio.run(scenario())
    assert_act_on_nobody(Api(app, token_for(app)), personal_links(*pages))


def test_cli_preview_links_act_on_nobody(app: App, cli: Cli, tmp_path: Path) -> None:
    cli.env["MAILER_PATHS__TEMPLATES"] = str(REPO / "templates")
    out = tmp_path / "preview"
    folder = Path(app.settings.paths.campaigns) / SLUG
    made = cli("campaign", "preview", str(folder), "--email", "nino@example.org", "--out", str(out))
    assert made.exit_code == 0, made.output
    html = (out / "nino_example.org.html").read_text(encoding="utf-8")
    text = (out / "nino_example.org.txt").read_text(encoding="utf-8")
    eml = message_from_bytes((out / "nino_example.org.eml").read_bytes(), policy=default_policy)
    header = str(eml["List-Unsubscribe"])
    links = personal_links(html, text, header)
    assert any(path.startswith("/u/") for path in PERSONAL.findall(header))
    assert_act_on_nobody(Api(app, token_for(app)), links)
