"""The issue editor in a real browser against `mailer serve`: type in a language tab and see
the preview follow, preview as subscribers of two countries, lint beside the field and Submit
disabled, autosave, a draft kept over a reload, two people saving the same issue, and no
request leaving the service."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Request, expect

from mailer import issues
from mailer.app import App
from mailer.config import load_settings
from tests.browser.conftest import STAFF, Service, picture
from tests.conftest import REPO
from tests.waiting import PATIENCE

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

SLUG = "2026-12-digest"
WIDEST = """[...document.querySelectorAll('#main *')]
  .filter((el) => el.getBoundingClientRect().right > 376)
  .slice(0, 5).map((el) => el.tagName + '#' + el.id + '.' + el.className)"""
EDIT = f"/staff/issues/{SLUG}/edit"
AUTOSAVE_MS = 3000  # editor.js saves this long after typing stops


@pytest.fixture(scope="module")
def stored(service: Service) -> Service:
    """The sample issue stored, and a new issue made from nothing (en and ka, no items)."""
    with App(load_settings(service.config, environ={})).start() as app:
        issues.import_folder(app.database, REPO / "campaigns" / SLUG, now=app.clock())
        blank = {"template": "newsletter", "lists": ["members"], "languages": ["en", "ka"]}
        issues.create_issue(
            app.issue_desk(),
            "2027-01-new",
            blank,
            by=issues.Actor(STAFF[0], "admin"),
            now=app.clock(),
        )
    return service


def sign_in(page: Page, service: Service, path: str) -> None:
    page.clock.install()  # the page's timers run on their own; `saved` skips the autosave wait
    page.goto(f"{service.base_url}{path}")
    page.get_by_label("Email address").fill(STAFF[0])
    page.get_by_label("Password").fill(STAFF[1])
    page.locator("#login-submit").click()
    ready(page)


def ready(page: Page) -> None:
    """The editor's script has wired every field: the page is visible a moment before that, and
    a file chosen or a key typed in that moment would go unseen."""
    expect(page.locator("#editor")).to_have_attribute("data-ready", "yes")


def saved(page: Page) -> None:
    """The autosave, three seconds after typing stops: the page's clock is moved on rather than
    waited for, then the save itself (a real request) is waited for."""
    page.clock.fast_forward(AUTOSAVE_MS)
    expect(page.locator("#save-status")).to_contain_text("Saved")


def preview(page: Page):  # type: ignore[no-untyped-def]
    return page.frame_locator("#preview-frame").locator("body")


@pytest.fixture
def outside(page: Page, stored: Service) -> list[str]:
    """Every request the page makes to anywhere but the service; the images the issue itself
    names (the sample's are on example.org) are the mail's content, shown in the preview as a
    subscriber would see them, so they are not the page's."""
    seen: list[str] = []

    def look(request: Request) -> None:
        if request.url.startswith((stored.base_url, "data:", "about:")):
            return
        if request.resource_type == "image" and request.frame.name == "preview-frame":
            return
        seen.append(request.url)

    page.on("request", look)
    return seen


def test_type_in_the_ka_tab_and_the_preview_follows(
    stored: Service, page: Page, outside: list[str]
) -> None:
    sign_in(page, stored, "/staff/issues/2027-01-new/edit")
    page.locator("#tab-ka").click()
    page.locator("#f-ka-subject").fill("იანვრის გამოცემა")
    page.locator("#f-ka-intro").fill("გამარჯობა, *კოლეგებო*!")
    expect(preview(page)).to_contain_text("გამარჯობა")
    saved(page)
    page.locator("#add-item").click()
    card = page.locator(".item-card").last
    card.locator('input[name$=".id"]').fill("first-item")
    card.locator('input[name$=".content.ka.title"]').fill("პირველი მასალა")
    expect(preview(page)).to_contain_text("პირველი მასალა")
    saved(page)
    page.reload()
    ready(page)
    page.locator("#tab-ka").click()
    expect(page.locator("#f-ka-subject")).to_have_value("იანვრის გამოცემა")
    expect(page.locator('.item-card input[name$=".content.ka.title"]')).to_have_value(
        "პირველი მასალა"
    )
    page.locator("#f-languages").fill("en, ka, ru")  # a new language: its tab after the save
    page.clock.fast_forward(AUTOSAVE_MS)
    expect(page.locator("#tab-ru")).to_be_visible()
    # subject, preheader, introduction, the item's title and summary
    expect(page.locator('[data-mark="ru"]')).to_contain_text("5")
    assert outside == []


def test_preview_as_kyrgyz_and_serbian_subscribers_shows_different_items(
    stored: Service, page: Page, outside: list[str]
) -> None:
    sign_in(page, stored, EDIT)
    expect(page.locator("#audience")).to_contain_text("active subscribers")
    page.locator("#p-lang").select_option("ru")
    page.locator("#p-country").select_option("KG")
    expect(page.locator("#preview-meta")).to_contain_text("peer-exchange-kg-tm")
    expect(preview(page)).to_contain_text("Обмен опытом в Оше")
    picture(page, stored.shots / "editor-laptop.png")
    page.locator("#p-lang").select_option("sr")
    page.locator("#p-country").select_option("RS")
    expect(page.locator("#preview-meta")).not_to_contain_text("peer-exchange-kg-tm")
    expect(preview(page)).not_to_contain_text("Ошу")
    expect(page.locator("#preview-size")).to_contain_text("102 KB")
    assert outside == []


def test_a_cleared_subject_shows_its_error_and_blocks_submit(stored: Service, page: Page) -> None:
    sign_in(page, stored, EDIT)
    expect(page.locator("#submit-review")).to_be_enabled()
    page.locator("#tab-ru").click()
    page.locator("#f-ru-subject").fill("")
    beside = page.locator('#texts .field[data-key="content.ru.subject"] .field-problems')
    expect(beside).to_contain_text("is missing")
    expect(page.locator("#submit-review")).to_be_disabled()
    expect(page.locator('[data-mark="ru"]')).to_contain_text("1")
    picture(page, stored.shots / "editor-error.png")
    page.locator("#f-ru-subject").fill("Декабрьский выпуск")
    expect(page.locator("#submit-review")).to_be_enabled()
    saved(page)


def test_typed_text_survives_a_reload_before_any_save(stored: Service, page: Page) -> None:
    sign_in(page, stored, EDIT)
    page.locator("#f-en-preheader").fill("Typed, then the page was reloaded")
    page.reload()  # before the autosave's few seconds have passed
    expect(page.locator("#f-en-preheader")).to_have_value("Typed, then the page was reloaded")
    saved(page)


def test_two_people_save_the_same_issue_and_the_second_sees_the_conflict(
    stored: Service, browser: Browser
) -> None:
    first, second = (browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(2))
    try:
        one, two = first.new_page(), second.new_page()
        for page in (one, two):
            page.set_default_timeout(PATIENCE * 1000)
            sign_in(page, stored, EDIT)
        one.locator("#f-en-subject").fill("Subject from the first person")
        saved(one)
        two.locator("#f-en-subject").fill("Subject from the second person")
        two.locator("#save").click()
        panel = two.locator("#conflict")
        expect(panel).to_be_visible()
        expect(panel).to_contain_text("Subject from the first person")
        expect(panel).to_contain_text("Subject from the second person")
        expect(panel.locator("tbody th").first).to_have_text("Subject (en)")
        expect(two.locator("#f-en-subject")).to_have_value("Subject from the second person")
        picture(two, stored.shots / "editor-conflict.png")
        two.locator("#keep-mine").click()
        saved(two)
        expect(panel).to_be_hidden()
    finally:
        first.close()
        second.close()


def test_the_editor_fits_a_phone(stored: Service, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(PATIENCE * 1000)
        sign_in(page, stored, EDIT)
        picture(page, stored.shots / "editor-phone.png")
        # the editor itself fits (the staff header's own width is the layout's business)
        assert page.evaluate(WIDEST) == []
    finally:
        context.close()


def image_bytes(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1000, 500), (20, 90, 160)).save(out, kind)
    return out.getvalue()


def test_an_uploaded_image_shows_in_the_preview_and_in_the_mail(
    stored: Service, page: Page, outside: list[str]
) -> None:
    with App(load_settings(stored.config, environ={})).start() as app:
        document = dict(issues.get_issue(app.issue_desk(), SLUG).document)
        for key in ("series", "period", "send_at"):
            document.pop(key, None)
        issues.create_issue(
            app.issue_desk(),
            "2027-02-images",
            document,
            by=issues.Actor(STAFF[0], "admin"),
            now=app.clock(),
        )
    sign_in(page, stored, "/staff/issues/2027-02-images/edit")
    card = page.locator(".item-card").first
    upload = card.locator(".image-upload")
    upload.set_input_files(
        files=[{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": b"<svg/>"}]
    )
    expect(card.locator(".upload-status")).to_contain_text("is not a PNG, JPEG, WebP or GIF image")
    big = {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (10 * 1024 * 1024)}
    upload.set_input_files(files=[big])
    expect(card.locator(".upload-status")).to_contain_text("at most 5 MB")
    upload.set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": image_bytes("PNG")}]
    )
    expect(card.locator(".upload-status")).to_contain_text("Uploaded")
    url = card.locator('input[name$=".image"]').input_value()
    assert url.startswith(f"{stored.base_url}/images/")
    picture = page.frame_locator("#preview-frame").locator(f'img[src="{url}"]')
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") == 552
    saved(page)
    before = len(stored.captured())
    sent = stored.mailer("campaign", "test", "2027-02-images", "--to", "reviewer@example.org")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    copies = stored.wait_for_mail(before + 4)[before:]
    html = [
        part.get_payload(decode=True).decode()
        for m in copies
        for part in m.walk()
        if part.get_content_type() == "text/html"
    ]
    assert any(url in body for body in html)
    assert outside == []
