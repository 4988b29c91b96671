"""An event in the issue editor's preview, in a real browser against `mailer serve`: 14:00 in
Belgrade reads 19:00 to a reader in KG and 14:00 to one in MK; the mail's "Add to calendar"
link gives an .ics over HTTP that icalendar parses, starting at 13:00 UTC; the item's kind and
times in the editor on a laptop and a phone."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest
from playwright.sync_api import Page, expect

from mailer import issues
from mailer.app import App
from mailer.config import load_settings
from tests.browser.conftest import STAFF, Service, picture
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

SLUG = "2027-01-webinars"
EDIT = f"/staff/issues/{SLUG}/edit"


@pytest.fixture(scope="module")
def stored(service: Service) -> Service:
    """The webinars sample, approved by its file (so its .ics is served)."""
    folder = service.root / "events" / SLUG
    folder.mkdir(parents=True)
    text = (REPO / "campaigns" / SLUG / "campaign.toml").read_text(encoding="utf-8")
    (folder / "campaign.toml").write_text(
        text.replace("approved = false", "approved = true"), encoding="utf-8"
    )
    with App(load_settings(service.config, environ={})).start() as app:
        issues.import_folder(app.database, folder, now=app.clock())
    return service


def sign_in(page: Page, service: Service) -> None:
    page.goto(f"{service.base_url}{EDIT}")
    page.get_by_label("Email address").fill(STAFF[0])
    page.get_by_label("Password").fill(STAFF[1])
    page.locator("#login-submit").click()
    # editor.js has wired the page: a language or country chosen before would go unseen
    expect(page.locator("#editor")).to_have_attribute("data-ready", "yes")


def test_the_preview_shows_the_webinar_in_the_readers_time(stored: Service, page: Page) -> None:
    sign_in(page, stored)
    frame = page.frame_locator("#preview-frame").locator("body")
    page.locator("#p-lang").select_option("en")
    page.locator("#p-country").select_option("KG")
    expect(frame).to_contain_text("Wednesday, January 20, 2027, 19:00–20:30, your time (Bishkek)")
    expect(frame).to_contain_text("14:00–15:30, the organiser’s time (Belgrade)")
    expect(frame).to_contain_text("Deadline: Tuesday, February 16, 2027")
    frame.locator("a.event-calendar").scroll_into_view_if_needed()
    picture(page.locator("#preview-frame"), stored.shots / "preview-event-kg.png")
    page.locator("#p-country").select_option("MK")
    expect(frame).to_contain_text("Wednesday, January 20, 2027, 14:00–15:30 (Skopje)")
    expect(frame).not_to_contain_text("19:00")
    expect(frame).to_contain_text("Deadline: Monday, February 15, 2027")

    link = frame.locator("a.event-calendar")
    href = link.get_attribute("href")
    assert href is not None
    assert href.startswith(f"{stored.base_url}/events/{SLUG}/webinar-fathers-clubs.ics")
    answer = page.request.get(href)
    assert answer.status == 200
    (event,) = icalendar.Calendar.from_ical(answer.body()).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2027, 1, 20, 13, 0, tzinfo=UTC)


def test_the_item_kind_and_times_on_a_laptop_and_a_phone(stored: Service, page: Page) -> None:
    sign_in(page, stored)
    card = page.locator('[data-card="0"]')
    expect(card.get_by_label("Kind", exact=True)).to_have_value("event")
    expect(card.get_by_label("Starts (organiser’s local time)")).to_have_value("2027-01-20T14:00")
    expect(card.get_by_label("Deadline (organiser’s local time)")).to_be_hidden()
    call = page.locator('[data-card="1"]')
    expect(call.get_by_label("Deadline (organiser’s local time)")).to_be_visible()
    expect(call.get_by_label("Registration link")).to_be_hidden()
    card.scroll_into_view_if_needed()
    picture(card, stored.shots / "editor-event-laptop.png")
    page.set_viewport_size({"width": 375, "height": 800})
    widest = page.evaluate(
        "[...document.querySelectorAll('.timing *')]"
        ".filter((el) => el.getBoundingClientRect().right > 376).length"
    )
    assert widest == 0
    picture(card.locator(".timing"), stored.shots / "editor-event-phone.png")
    plain = page.locator('[data-card="2"]')
    expect(plain.get_by_label("Organiser’s time zone")).to_be_hidden()
    card.get_by_label("Kind", exact=True).select_option("approach")
    expect(card.get_by_label("Starts (organiser’s local time)")).to_be_hidden()
