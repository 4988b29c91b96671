"""The audience builder in a real browser: each choice rewrites the expression and counts at
once, and the count is what `mailer subscribers count` prints for the same segment."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Service
from tests.browser.staff_pages import PHONE, no_sideways_scroll, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.subprocess,
]


def test_builder_count_equals_the_cli_count(service: Service, page: Page) -> None:
    sign_in(service, page, "/staff/audience")
    expect(page.locator("h1")).to_have_text("Audience")
    page.locator("#choose-country").select_option("GE")
    expect(page.locator("#segment")).to_have_value("country = GE and status = active")
    page.locator("#choose-interest").select_option("fatherhood")
    segment = "country = GE and interest = fatherhood and status = active"
    expect(page.locator("#segment")).to_have_value(segment)
    shown = page.locator("#audience-count").inner_text()

    printed = service.mailer("subscribers", "count", "--segment", segment, "--status", "any")
    assert printed.returncode == 0, printed.stderr
    assert shown == printed.stdout.strip()
    assert int(shown) > 0
    expect(page.locator("#chart-interest rect")).not_to_have_count(0)

    page.locator("#save-name").fill("georgia-fathers")
    page.locator("#save-description").fill("Georgia, fatherhood")
    page.locator("#save-segment").click()
    expect(page.locator("#notice")).to_contain_text("@georgia-fathers")
    expect(page.locator("#audience-count")).to_have_text(shown)
    via_name = service.mailer(
        "subscribers", "count", "--segment", "@georgia-fathers", "--status", "any"
    )
    assert via_name.stdout.strip() == shown

    page.goto(f"{service.base_url}/staff/audience?country=GE&status=active&action=choices")
    shoot(service, page, "staff-audience")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
