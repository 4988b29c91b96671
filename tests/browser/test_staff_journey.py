"""Staff in a real browser: sign in → preview → test send → approve → schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import STAFF, Service, picture

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

SLUG = "2026-12-digest"


def test_staff_take_an_issue_from_preview_to_scheduled(service: Service, page: Page) -> None:
    page.goto(f"{service.base_url}/staff/")
    expect(page).to_have_url(f"{service.base_url}/staff/login?next=%2Fstaff%2F")
    picture(page, service.shots / "staff-login.png")
    page.get_by_label("Email address").fill(STAFF[0])
    page.get_by_label("Password").fill(STAFF[1])
    page.locator("#login-submit").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    picture(page, service.shots / "staff-dashboard.png", full_page=True)

    page.get_by_role("link", name=SLUG).first.click()
    expect(page.locator("#campaign-title")).to_have_text(SLUG)
    expect(page.locator("#lint-ok")).to_be_visible()
    picture(page, service.shots / "staff-campaign.png", full_page=True)

    # the Russian preview, in the page's sandboxed frame
    page.locator("#preview-ru").click()
    frame = page.frame_locator("iframe").first
    expect(frame.locator("body")).to_contain_text("Перспективные подходы")
    picture(page, service.shots / "staff-preview.png", full_page=False)
    page.go_back()

    # a test copy per language goes to the capture SMTP
    before = len(service.captured())
    page.locator("#test-addresses").fill("reviewer@example.org")
    page.locator("#test-send").click()
    expect(page.locator("#test-results")).to_contain_text("reviewer@example.org")
    copies = service.wait_for_mail(before + 5)[before:]
    subjects = {str(make_header(decode_header(m["Subject"]))) for m in copies}
    assert len(copies) == 5  # en, ru, ka, sr and sr-Latn (transliterated)
    assert all(s.startswith("[TEST] ") for s in subjects)
    assert {m["To"] for m in copies} == {"reviewer@example.org"}

    page.locator("#approve").click()
    expect(page.locator("#approved-by")).to_have_text(STAFF[0])
    belgrade = ZoneInfo("Europe/Belgrade")
    tomorrow = (datetime.now(belgrade) + timedelta(days=1)).replace(hour=9, minute=0)
    page.locator("#schedule-send-at").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#schedule-timezone").fill("Europe/Belgrade")
    page.locator("#schedule").click()
    # from January on, tomorrow lies outside the sample issue's period (2026-12): the page asks
    # first, and staff confirm
    page.locator("#scheduled-local, #schedule-confirm-period").first.wait_for()
    if page.locator("#schedule-confirm-period").count():
        page.locator("#schedule-confirm-period").check()
        page.locator("#schedule").click()
    utc = tomorrow.astimezone(UTC)
    expect(page.locator("#scheduled-local")).to_have_text(
        f"{tomorrow:%Y-%m-%d %H:%M} Europe/Belgrade"
    )
    expect(page.locator("#scheduled-utc")).to_contain_text(f"{utc:%Y-%m-%d %H:%M}")
    picture(page, service.shots / "staff-scheduled.png", full_page=True)
    status = service.mailer("campaign", "status", SLUG, "--json")
    assert '"state": "scheduled"' in status.stdout, status.stdout + status.stderr
    listed = service.mailer("schedule", "list").stdout
    assert f"{SLUG}\t{STAFF[0]}\t6h\t{tomorrow:%Y-%m-%dT%H:%M}" in listed
