"""The preflight panel of the staff UI, over real HTTP in process, with DNS from a real server
on loopback (tests/dns_zone.py) whose zone lacks the DMARC record."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from mailer.app import App
from mailer.db import campaigns as stored_campaigns
from mailer.smtp.dkim import DkimSigner, create_key_file
from tests.dns_zone import SENDING_IP, ZoneServer, good_zone, zone_server
from tests.web.test_staff_support import (
    EMAIL,
    SLUG,
    Clock,
    add_people,
    add_staff,
    client,
    csrf_of,
    login,
    make_app,
    text_of,
)

PAGE = f"/staff/campaigns/{SLUG}"
BASE = "https://news.example.org"  # an https unsubscribe URL, and the session cookie is Secure
DMARC_FIX = '_dmarc.example.org. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.org"'


@pytest.fixture
def dns(tmp_path: Path) -> Iterator[tuple[ZoneServer, Path]]:
    key_file = tmp_path / "dkim.pem"
    create_key_file(key_file)
    zone = good_zone(DkimSigner.from_file("example.org", "mail", key_file))
    zone.drop("_dmarc.example.org", "TXT")
    with zone_server(zone) as server:
        yield server, key_file


@pytest.fixture
def app(db_url: str, tmp_path: Path, dns: tuple[ZoneServer, Path]) -> App:
    server, key_file = dns
    settings = {
        "preflight__gate": "on",
        "preflight__nameservers": server.address,
        "preflight__sending_ips": SENDING_IP,
        "dkim__selector": "mail",
        "dkim__domain": "example.org",
        "dkim__private_key_file": str(key_file),
        "web__base_url": BASE,
    }
    made = make_app(db_url, tmp_path, clock=Clock(), **settings)
    add_staff(made)
    add_people(made, tmp_path)
    return made


@asynccontextmanager
async def signed_in(app: App) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    async with client(app, BASE) as http:
        assert (await login(http)).status_code == 303
        yield http, csrf_of((await http.get("/staff/")).text)


def test_the_panel_shows_each_check_and_the_record_to_publish(
    app: App, dns: tuple[ZoneServer, Path]
) -> None:
    server, _ = dns

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get(PAGE)
            assert page.status_code == 200
            assert text_of(page.text, "preflight-summary").startswith("1 failing check(s)")
            assert "refused while a check fails" in text_of(page.text, "preflight-summary")
            dmarc = text_of(page.text, "check-dmarc-record")
            assert "fails" in dmarc
            assert "no DMARC record at _dmarc.example.org" in dmarc
            assert DMARC_FIX in dmarc
            assert "pass" in text_of(page.text, "check-dkim-key")
            assert "pass" in text_of(page.text, "check-message-unsubscribe")
            assert 'id="schedule-force"' not in page.text  # not approved: no schedule form yet
            dashboard = await http.get("/staff/")
            assert DMARC_FIX in text_of(dashboard.text, "check-dmarc-record")
            assert "message.size" not in text_of(dashboard.text, "preflight")  # no issue there

            asked = len(server.questions)
            await http.get(PAGE)
            await http.get("/staff/")
            assert len(server.questions) == asked  # kept: a page view asks DNS nothing

            server.zone.set("_dmarc.example.org", "TXT", "v=DMARC1; p=reject")
            assert "fails" in text_of((await http.get(PAGE)).text, "check-dmarc-record")
            clock = app.clock
            assert isinstance(clock, Clock)
            clock.now += timedelta(seconds=app.settings.preflight.cache_seconds + 1)
            page = await http.get(PAGE)
            assert text_of(page.text, "preflight-summary") == "Every check passes."
            assert "p=reject" in text_of(page.text, "check-dmarc-record")

    asyncio.run(scenario())


def test_scheduling_is_refused_until_an_approver_overrides_with_their_name(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            assert (await http.post(f"{PAGE}/approve", data={"csrf": csrf})).status_code == 303
            page = await http.get(PAGE)
            assert "despite 1 failing preflight check(s)" in text_of(page.text, "schedule-form")
            form = {"csrf": csrf, "send_at": "2026-12-01T09:00", "timezone": "Europe/Belgrade"}
            refused = await http.post(f"{PAGE}/schedule", data=form)
            assert refused.status_code == 409
            error = text_of(refused.text, "action-error")
            assert "preflight found 1 failing check(s): dmarc.record" in error
            assert 'id="scheduled-for"' not in refused.text

            forced = await http.post(f"{PAGE}/schedule", data={**form, "force_preflight": "yes"})
            assert forced.status_code == 303
            page = await http.get(forced.headers["location"])
            assert text_of(page.text, "scheduled-local") == "2026-12-01 09:00 Europe/Belgrade"
            assert EMAIL in text_of(page.text, "preflight-forced")

    asyncio.run(scenario())
    with app.database.read() as conn:
        stored = stored_campaigns.find(conn, SLUG)
    assert stored is not None
    assert stored.preflight_forced_by == EMAIL
    assert stored.preflight_forced_at == app.clock()
