"""Stored issues in a real browser against `mailer serve`: a new issue from the form, three
saves, the diff of the first and the third, the first restored as the fourth; four eyes (the
author finds no Approve button and a forged POST is 403; a second approver approves), and an
edit after approval returns the issue to draft. Screenshots at laptop and phone width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from mailer import issues
from mailer.app import App
from mailer.config import load_settings
from mailer.core.issue_workflow import Actor
from tests.browser.conftest import SCREENSHOTS, STAFF, Service, live_service, picture
from tests.browser.staff_pages import ready
from tests.waiting import PATIENCE

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

NEW = "2027-01-digest"
SAMPLE = "2026-12-digest"  # imported from its folder when `mailer serve` starts
WRITER = ("ana@example.org", "ana's long passphrase 1")  # an approver who writes too
SECOND = ("bo@example.org", "bo's long passphrase 22")  # another approver
SIZES = {"laptop": {"width": 1280, "height": 860}, "phone": {"width": 375, "height": 812}}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with live_service(tmp_path_factory.mktemp("issues")) as service:
        for email, password in (WRITER, SECOND):
            added = service.mailer(
                "users", "add", email, "--role", "approver", "--password-stdin", input=password
            )
            assert added.returncode == 0, added.stderr
        yield service


@pytest.fixture(scope="module")
def api(live: Service) -> Iterator[httpx.Client]:
    made = live.mailer(
        "tokens", "add", "newsroom", "--scope", "issues:read", "--scope", "issues:write"
    )
    assert made.returncode == 0, made.stderr
    headers = {"Authorization": f"Bearer {made.stdout.strip()}"}
    with httpx.Client(base_url=live.base_url, headers=headers, timeout=PATIENCE) as client:
        yield client


def save(api: httpx.Client, slug: str, change: Any) -> int:
    """Change the issue's document through the API (as the editor page would save it)."""
    current = api.get(f"/api/v1/issues/{slug}")
    document = current.json()["document"]
    change(document)
    saved = api.put(
        f"/api/v1/issues/{slug}",
        json={"document": document},
        headers={"If-Match": current.headers["etag"]},
    )
    assert saved.status_code == 200, saved.text
    return int(saved.json()["revision"])


def signed_in(browser: Browser, live: Service, who: tuple[str, str], path: str) -> Page:
    context: BrowserContext = browser.new_context(viewport=SIZES["laptop"], locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(PATIENCE * 1000)
    page.goto(f"{live.base_url}{path}")
    page.get_by_label("Email address").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.locator("#login-submit").click()
    ready(page)
    return page


def shots(page: Page, live: Service, name: str, *, whole_phone: bool = True) -> None:
    """Laptop and phone screenshots; ``whole_phone=False`` keeps the phone's to its screen
    (chromium paints a message frame blank in a full-page shot after a resize)."""
    if not SCREENSHOTS:
        return
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        whole = whole_phone or size == "laptop"
        picture(page, live.shots / f"{name}-{size}.png", full_page=whole)
    page.set_viewport_size(SIZES["laptop"])


def test_three_saves_diff_the_first_and_third_restore_the_first_as_the_fourth(
    live: Service, api: httpx.Client, browser: Browser
) -> None:
    page = signed_in(browser, live, STAFF, "/staff/issues")
    expect(page.locator("h1")).to_have_text("Issues")
    page.locator("#new-issue").click()
    page.get_by_label("Short name (for its address)").fill(NEW)
    page.get_by_label("Title (the subject)").fill("January digest")
    shots(page, live, "staff-issue-new")
    page.locator("#create-issue").click()
    expect(page.locator("#notice")).to_contain_text("Draft created")
    expect(page.locator("#issue-subject")).to_have_text("January digest")

    def second(document: dict[str, Any]) -> None:
        document["content"]["en"]["subject"] = "January digest: men who care"
        document["content"]["ru"] = {"subject": "Январский выпуск"}

    def third(document: dict[str, Any]) -> None:
        document["content"]["en"]["subject"] = "January digest: fathers who care"
        document["content"]["en"]["intro"] = "Dear colleagues, a new year of promising approaches."

    assert save(api, NEW, second) == 2
    assert save(api, NEW, third) == 3

    page.locator("#issue-history").click()
    expect(page.locator("#revision-list tbody tr")).to_have_count(3)
    expect(page.locator("#revision-1")).to_contain_text(STAFF[0])
    expect(page.locator("#revision-3")).to_contain_text("api:newsroom")
    page.locator("#from-1").check()
    page.locator("#to-3").check()
    page.locator("#show-changes").click()
    expect(page.locator("#diff-title")).to_contain_text("from revision 1 to revision 3")
    subject = page.locator("section.change", has_text="Subject")
    expect(subject.locator("del")).to_have_count(0)
    expect(subject.locator("ins")).to_have_text([": fathers who care", "Январский выпуск"])
    expect(subject.locator(".lang")).to_have_text(["en", "ru"])
    expect(page.locator("section.change", has_text="Introduction")).to_contain_text("(added)")
    shots(page, live, "staff-issue-diff")

    page.locator("#back-to-history").click()
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#restore-1").click()
    expect(page.locator("#notice")).to_contain_text("Restored as a new revision")
    expect(page.locator("#revision-4")).to_contain_text("restored revision 1")
    shots(page, live, "staff-issue-history")
    restored = api.get(f"/api/v1/issues/{NEW}").json()
    first = api.get(f"/api/v1/issues/{NEW}/revisions/1").json()
    assert (restored["revision"], restored["document"]) == (4, first["document"])
    page.context.close()


def test_the_author_cannot_approve_a_second_approver_does_and_an_edit_returns_it_to_draft(
    live: Service, api: httpx.Client, browser: Browser
) -> None:
    page = signed_in(browser, live, WRITER, "/staff/issues")
    expect(page.locator(f"#issue-row-{SAMPLE}")).to_be_visible()
    shots(page, live, "staff-issues")

    def writer_edit(document: dict[str, Any]) -> None:
        document["content"]["ru"]["subject"] = "Декабрьский выпуск: мужчины, которые заботятся"

    revision = save_as_writer(live, writer_edit, api.get(f"/api/v1/issues/{SAMPLE}").json())
    page.locator(f"#issue-row-{SAMPLE} a").click()
    expect(page.locator("#issue-author")).to_have_text(WRITER[0])
    expect(page.locator("#approve")).to_have_count(0)
    expect(page.locator("#approve-closed")).to_contain_text("another approver must approve it")
    csrf = page.locator("#submit-form input[name=csrf]").input_value()
    forged = page.request.post(
        f"{live.base_url}/staff/issues/{SAMPLE}/approve",
        form={"csrf": csrf, "revision": str(revision)},
        max_redirects=0,
    )
    assert forged.status == 403
    assert "may not approve" in forged.text()
    page.locator("#submit-review").click()
    expect(page.locator("#notice")).to_contain_text("Submitted for review")
    page.context.close()

    page = signed_in(browser, live, SECOND, f"/staff/issues/{SAMPLE}")
    expect(page.locator("#issue-state h2")).to_contain_text("in review")
    shots(page, live, "staff-issue-review")
    page.locator("#approve").click()
    expect(page.locator("#notice")).to_have_text("Approved.")
    expect(page.locator("#issue-state h2")).to_contain_text("approved")
    expect(page.locator("#issue-approved-by")).to_contain_text(SECOND[0])

    def later_edit(document: dict[str, Any]) -> None:
        document["content"]["sr"]["subject"] = "Децембарско издање"

    save(api, SAMPLE, later_edit)
    page.goto(f"{live.base_url}/staff/issues/{SAMPLE}")
    expect(page.locator("#issue-state h2")).to_contain_text("draft")
    expect(page.locator("#returned-to-draft")).to_contain_text(
        f"Revision {revision} was approved, then the issue was edited"
    )
    shots(page, live, "staff-issue-returned")
    page.context.close()


def save_as_writer(live: Service, change: Any, current: dict[str, Any]) -> int:
    """A save by the writer's own account (as the editor page makes it), in this process."""
    document = current["document"]
    change(document)
    with App(load_settings(live.config, environ={})).start(migrate=False) as app:
        saved = issues.save(
            app.issue_desk(),
            SAMPLE,
            document,
            base_revision=current["revision"],
            by=Actor(WRITER[0], "approver"),
            now=app.clock(),
        )
    return saved.revision


def test_preview_as_a_reader_and_a_test_copy_in_one_language_whose_links_open_the_test_page(
    live: Service, browser: Browser
) -> None:
    page = signed_in(browser, live, STAFF, f"/staff/issues/{SAMPLE}")
    page.locator("#issue-preview").click()
    expect(page.locator("#preview-from")).not_to_be_empty()
    expect(page.locator("#preview-subject")).to_contain_text("December digest")
    page.locator("#preview-lang").select_option("ru")
    page.locator("#preview-country").select_option("KG")
    page.locator("#preview-reader").click()
    expect(page.locator("#preview-who")).to_contain_text("a reader in KG")
    frame = page.frame_locator("#preview-frame")
    expect(frame.locator("body")).to_contain_text("Дорогие коллеги")
    picture(page, live.shots / "staff-issue-preview-laptop.png", full_page=True)
    page.locator("#width-phone").click()  # the message at a phone's width, on a phone
    expect(page.locator("#preview-frame")).to_have_class("frame-phone")
    expect(frame.locator("body")).to_contain_text("Дорогие коллеги")
    page.set_viewport_size(SIZES["phone"])
    message = page.locator("#preview-message")
    message.scroll_into_view_if_needed()
    expect(frame.locator("body")).to_contain_text("Дорогие коллеги")
    picture(message, live.shots / "staff-issue-preview-phone.png")
    page.set_viewport_size(SIZES["laptop"])
    page.locator("#preview-email").fill("nobody@example.org")
    page.locator("#preview-person").click()
    expect(page.locator("#person-error")).to_contain_text("nobody@example.org")

    before = len(live.captured())
    expect(page.locator("#test-lang-en")).to_be_checked()  # the issue's first language
    page.locator("#test-lang-en").uncheck()
    page.locator("#test-lang-ka").check()
    page.locator("#test-addresses").fill("qa@example.org")
    page.locator("#test-send").click()
    expect(page.locator("#test-results")).to_contain_text("qa@example.org")
    expect(page.locator("#test-results")).to_contain_text("ka")
    expect(page.frame_locator("#preview-frame").locator("body")).to_contain_text("Dear colleagues")
    shots(page, live, "staff-issue-test-copy", whole_phone=False)
    page.reload()  # the results stay; nothing is sent again
    expect(page.locator("#test-results")).to_contain_text("qa@example.org")
    copies = live.wait_for_mail(before + 1)[before:]
    assert len(copies) == 1
    (copy,) = copies
    assert copy["To"] == "qa@example.org"
    html = next(p for p in copy.walk() if p.get_content_type() == "text/html")
    payload = html.get_payload(decode=True)
    assert isinstance(payload, bytes)
    links = re.findall(r'href="([^"]*/test-copy/[^"]*)"', payload.decode("utf-8"))
    assert {link.split("?")[0].rsplit("/", 1)[1] for link in links} == {
        "unsubscribe",
        "preferences",
        "archive",
    }
    for link in sorted(set(links)):
        page.goto(link.replace("&amp;", "&"))
        expect(page.locator("h1")).to_have_text(re.compile("test copy|тестов|ტესტ", re.I))
    page.context.close()
