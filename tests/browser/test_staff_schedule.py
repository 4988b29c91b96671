"""Series in a real browser: the dashboard and the Schedule page show the sample series' next
date, the one `mailer schedule next digest` prints, in local time and UTC."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Service, live_service
from tests.browser.staff_pages import PHONE, no_sideways_scroll, shoot, sign_in
from tests.conftest import REPO

pytestmark = [
    pytest.mark.browser,
    pytest.mark.subprocess,
]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    root = tmp_path_factory.mktemp("live")
    (root / "campaigns").mkdir()
    shutil.copy(REPO / "campaigns" / "digest.series.toml", root / "campaigns")
    with live_service(root) as live:
        yield live


def test_dashboard_and_schedule_show_the_series_next_date(service: Service, page: Page) -> None:
    printed = service.mailer("schedule", "next", "digest")
    assert printed.returncode == 0, printed.stderr
    upcoming = datetime.fromisoformat(printed.stdout.strip())
    local = f"{upcoming:%a %Y-%m-%d %H:%M} Europe/Belgrade"
    utc = f"{upcoming.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    sign_in(service, page)
    row = page.locator("#dashboard-series-digest")
    expect(row.locator(".next-local")).to_have_text(local)
    expect(row.locator(".next-utc")).to_have_text(utc)
    shoot(service, page, "staff-dashboard-series")

    page.locator("#nav-schedule").click()
    expect(page.locator("h1")).to_have_text("Schedule")
    period = f"{upcoming:%Y-%m}"
    first = page.locator(f"#occurrence-digest-{period}")
    expect(first.locator(".local")).to_have_text(local)
    expect(first.locator(".utc")).to_have_text(utc)
    expect(page.locator("#series-digest .upcoming tbody tr")).to_have_count(3)
    shoot(service, page, "staff-schedule")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
