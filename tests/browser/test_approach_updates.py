"""An issue that refers to the library in a real browser against `mailer serve`: its items
say where they come from, the library's text shows in the blank fields; after an edit in the
library a draft shows "update available", takes it with one click, and its preview shows the
new text (laptop and phone)."""

from __future__ import annotations

import copy
import re

import pytest
from playwright.sync_api import Page, expect

from mailer import approaches, issues
from mailer.app import App
from mailer.config import load_settings
from tests.browser.conftest import STAFF, Service
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

SLUG = "2027-02-library"
APPROVED = "2026-12-digest"
CLUBS = "fathers-clubs-kakheti"
EDIT = f"/staff/issues/{SLUG}/edit"
NEW_SUMMARY = "From January the clubs meet in Gurjaani too, with a second facilitator."


@pytest.fixture(scope="module")
def stored(service: Service) -> Service:
    """The sample issue (its items refer to the sample library) stored and approved, and a
    draft made from it: both pinned to the library's first revisions."""
    with App(load_settings(service.config, environ={})).start() as app:
        issues.import_folder(app.database, REPO / "campaigns" / APPROVED, now=app.clock())
        desk = app.issue_desk()
        revision = issues.get_issue(desk, APPROVED).revision
        approver = issues.Actor(STAFF[0], "admin")  # campaign.toml saved it: four eyes hold
        issues.approve(desk, APPROVED, revision, by=approver, now=app.clock())
        document = issues.get_issue(app.issue_desk(), APPROVED).document
        issues.create_issue(
            app.issue_desk(),
            SLUG,
            copy.deepcopy(dict(document)),
            by=issues.Actor(STAFF[0], "admin"),
            now=app.clock(),
        )
    return service


def edit_library(service: Service, summary: str = NEW_SUMMARY) -> None:
    with App(load_settings(service.config, environ={})).start() as app:
        view = approaches.get_approach(app.database, CLUBS)
        changed = copy.deepcopy(dict(view.document))
        changed["content"]["en"]["summary"] = summary
        approaches.save_approach(
            app.database,
            CLUBS,
            changed,
            base_revision=view.revision,
            by=issues.Actor("library@example.org", "editor"),
            now=app.clock(),
        )


def sign_in(page: Page, service: Service, path: str) -> None:
    page.goto(f"{service.base_url}{path}")
    page.get_by_label("Email address").fill(STAFF[0])
    page.get_by_label("Password").fill(STAFF[1])
    page.locator("#login-submit").click()
    # editor.js has wired the page: a language or country chosen before would go unseen
    expect(page.locator("#editor")).to_have_attribute("data-ready", "yes")


def preview(page: Page):  # type: ignore[no-untyped-def]
    return page.frame_locator("#preview-frame").locator("body")


def test_a_draft_shows_update_available_and_takes_it_with_one_click(
    stored: Service, page: Page
) -> None:
    sign_in(page, stored, EDIT)
    first = page.locator(".item-card").first
    expect(first.locator(".library-source")).to_contain_text(CLUBS)
    summary = first.locator('textarea[name$=".content.en.summary"]')
    expect(summary).to_have_value("")  # nothing overridden: the library's words
    expect(summary).to_have_attribute("placeholder", re.compile("^Since spring, a community"))
    expect(page.locator("#approach-updates")).to_have_count(0)
    page.locator("#p-lang").select_option("en")
    page.locator("#p-country").select_option("GE")
    expect(preview(page)).to_contain_text("Since spring, a community organisation in Telavi")

    edit_library(stored)
    page.reload()
    notice = page.locator("#approach-updates")
    expect(notice).to_contain_text("Update available")
    expect(notice).to_contain_text(
        f"{CLUBS}: this issue uses revision 1; the library has revision 2"
    )
    page.locator("#p-lang").select_option("en")
    page.locator("#p-country").select_option("GE")
    expect(preview(page)).not_to_contain_text(NEW_SUMMARY)  # pinned until it takes it
    page.screenshot(path=stored.shots / "editor-update-available.png")

    page.locator("#take-updates").click()

    expect(page.locator("#editor-notice")).to_contain_text("Approaches updated: 1")
    expect(page.locator("#approach-updates")).to_have_count(0)
    page.locator("#p-lang").select_option("en")
    page.locator("#p-country").select_option("GE")
    expect(preview(page)).to_contain_text(NEW_SUMMARY)
    expect(page.locator(".item-card").first.locator(".library-source")).to_contain_text(CLUBS)


def test_the_notice_fits_a_phone(stored: Service, page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    edit_library(stored, "The clubs now meet in Sighnaghi as well.")
    sign_in(page, stored, EDIT)
    notice = page.locator("#approach-updates")
    expect(notice).to_be_visible()
    box = notice.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 376
    page.screenshot(path=stored.shots / "editor-update-available-phone.png", full_page=False)


def test_an_approved_issue_keeps_its_text_and_offers_no_update(stored: Service, page: Page) -> None:
    sign_in(page, stored, f"/staff/issues/{APPROVED}/edit")
    edit_library(stored, "An edit in the library after the approval.")
    page.goto(f"{stored.base_url}/staff/issues/{APPROVED}/preview.html?lang=en&country=GE")
    body = page.locator("body")
    expect(body).to_contain_text("Since spring, a community organisation in Telavi")
    expect(body).not_to_contain_text("An edit in the library after the approval.")
    page.goto(f"{stored.base_url}/staff/issues/{APPROVED}/edit")
    expect(page.locator("#issue-state")).to_have_text("approved")
    expect(page.locator("#approach-updates")).to_contain_text("Update available")
    expect(page.locator("#update-kept")).to_contain_text("keeps the text it was approved with")
    expect(page.locator("#take-updates")).to_have_count(0)
