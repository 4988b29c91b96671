"""A sent issue's report in a real browser: its numbers are those `mailer campaign status
--json` and `mailer campaign report --json` print."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Service
from tests.browser.staff_pages import PHONE, no_sideways_scroll, shoot, sign_in
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

SLUG = "2026-12-digest"
OUTCOMES = ("sent", "deferred", "bounced", "failed", "skipped", "queued", "sending")


def test_report_page_numbers_equal_campaign_status(service: Service, page: Page) -> None:
    folder = service.root / "campaigns" / SLUG
    sent = service.mailer("campaign", "send", str(folder), "--force", "--wait")
    assert sent.returncode == 0, sent.stderr
    # the service's own worker may hold a few deliveries still: the numbers settle when it is done
    wait_for("the campaign to be sent", lambda: _done(service))
    status = json.loads(service.mailer("campaign", "status", SLUG, "--json").stdout)
    report = json.loads(service.mailer("campaign", "report", SLUG, "--json").stdout)
    assert status["sent"] > 0

    sign_in(service, page, f"/staff/campaigns/{SLUG}")
    page.locator("#report-link").click()
    expect(page.locator("h1")).to_have_text(f"Report: {SLUG}")
    counts = page.locator("#report-counts")
    expect(counts.locator('[data-count="total"]')).to_have_text(str(status["total"]))
    for outcome in OUTCOMES:
        expect(counts.locator(f'[data-count="{outcome}"]')).to_have_text(str(status[outcome]))
        assert report[outcome] == status[outcome]
    languages = page.locator("#report-language tbody tr")
    expect(languages).to_have_count(len(report["by_language"]))
    expect(page.locator("#chart-language rect[data-state='sent']")).not_to_have_count(0)
    shoot(service, page, "staff-report")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)


def _done(service: Service) -> bool:
    status = json.loads(service.mailer("campaign", "status", SLUG, "--json").stdout)
    return bool(status["queued"] == 0 and status["sending"] == 0)
