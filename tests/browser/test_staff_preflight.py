"""The preflight panel in a real browser, at laptop and phone width, against `mailer serve`
whose preflight asks a real DNS server on loopback (tests/dns_zone.py). The zone has the key,
SPF and MX but no DMARC record, and the service's links are http: two checks fail with fixes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from mailer.smtp.dkim import DkimSigner, create_key_file
from tests.browser.conftest import STAFF, Service, live_service, picture
from tests.dns_zone import SENDING_IP, good_zone, zone_server
from tests.waiting import PATIENCE

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

SLUG = "2026-12-digest"
SIZES = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    root = tmp_path_factory.mktemp("preflight")
    key_file = root / "dkim.pem"
    create_key_file(key_file)
    zone = good_zone(DkimSigner.from_file("example.org", "mail", key_file))
    zone.drop("_dmarc.example.org", "TXT")
    with zone_server(zone) as dns:
        extra = (
            f'[preflight]\ngate = "on"\nnameservers = ["{dns.address}"]\n'
            f'sending_ips = ["{SENDING_IP}"]\n'
            f'[dkim]\nselector = "mail"\ndomain = "example.org"\nprivate_key_file = "{key_file}"\n'
        )
        with live_service(root, extra) as live:
            yield live


@pytest.mark.parametrize("size", list(SIZES))
def test_the_campaign_page_shows_the_preflight_panel_with_fixes(
    checked: Service, browser: Browser, size: str
) -> None:
    context = browser.new_context(viewport=SIZES[size], locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(PATIENCE * 1000)
    page.goto(f"{checked.base_url}/staff/campaigns/{SLUG}")
    page.get_by_label("Email address").fill(STAFF[0])
    page.get_by_label("Password").fill(STAFF[1])
    page.locator("#login-submit").click()
    expect(page.locator("#campaign-title")).to_have_text(SLUG)
    panel = page.locator("#preflight")
    expect(panel.locator("#preflight-summary")).to_contain_text("2 failing check(s)")
    dmarc = panel.locator("#check-dmarc-record")
    expect(dmarc).to_contain_text("no DMARC record at _dmarc.example.org")
    expect(dmarc.locator("pre")).to_have_text(
        'publish _dmarc.example.org. IN TXT "v=DMARC1; p=none; '
        'rua=mailto:dmarc-reports@example.org"'
    )
    expect(panel.locator("#check-message-unsubscribe")).to_contain_text("not https")
    expect(panel.locator("#check-dkim-key")).to_contain_text("publishes our 2048-bit key")
    box = panel.bounding_box()
    assert box is not None
    assert box["width"] <= SIZES[size]["width"]  # nothing wider than the screen
    panel.scroll_into_view_if_needed()
    picture(page, checked.shots / f"staff-preflight-{size}.png", full_page=False)
    picture(panel, checked.shots / f"staff-preflight-panel-{size}.png")
    context.close()
