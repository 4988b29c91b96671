"""Library approaches for translators in a real browser against `mailer serve`: from the
library page to the translations of the approaches it shows, download Ukrainian as XLIFF,
fill a target, a wrong-language file refused with the problem named, import, see the uk tab
of the approach editor with the title "draft", then "Mark reviewed"; the page fits a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS, Service, live_service, picture
from tests.browser.staff_pages import LAPTOP, PHONE, ready, shoot, sign_in
from tests.browser.translation_files import filled, upload

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

CLUBS = "fathers-clubs-kakheti"
TITLE = f"approaches.{CLUBS}.title"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with live_service(tmp_path_factory.mktemp("xlate2")) as service:
        yield service


def test_translate_the_chosen_approaches_and_review_in_the_editor(
    live: Service, page: Page
) -> None:
    sign_in(live, page, "/staff/approaches?q=Kakheti")
    ready(page)
    page.locator("#translate-approaches").click()
    expect(page.locator("#chosen-approaches")).to_have_text(CLUBS)
    page.locator("#t-lang").fill("uk")
    with page.expect_download() as download:
        page.locator("#download-file").click()
    assert download.value.suggested_filename == f"{CLUBS}.uk.xlf"
    exported = Path(download.value.path())

    upload(page, "en.xlf", filled(exported, TITLE, "Father clubs", trgLang="en"))
    expect(page.locator("#translation-error")).to_contain_text("is the library's source language")
    data = filled(exported, TITLE, "Клуби батьків у Кахетії")
    upload(page, f"{CLUBS}.uk.xlf", data, "#check-file")
    expect(page.locator("#report-title")).to_contain_text("Checked: nothing stored yet")
    upload(page, f"{CLUBS}.uk.xlf", data)
    expect(page.locator("#report-title")).to_contain_text(f"{CLUBS} #")
    expect(page.locator("#lang-uk .count-draft")).to_have_text("1")
    shoot(live, page, "library-translations")

    page.goto(f"{live.base_url}/staff/approaches/{CLUBS}?lang=uk")
    expect(page.locator("#tab-uk")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#a-uk-title")).to_have_value("Клуби батьків у Кахетії")
    state = page.locator('[data-tstate="uk|title"]')
    expect(state).to_have_text("draft")
    if SCREENSHOTS:
        for name, size in (("laptop", LAPTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            state.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -160)")
            picture(page, live.shots / f"library-translations-editor-{name}.png")
        page.set_viewport_size(LAPTOP)
    page.locator('[data-review="uk|title"]').click()
    expect(page.locator('[data-tstate="uk|title"]')).to_have_text("reviewed")
    expect(page.locator("#tab-uk")).to_have_attribute("aria-selected", "true")


def test_the_library_translations_page_fits_a_phone(live: Service, page: Page) -> None:
    sign_in(live, page, f"/staff/library/translations?slug={CLUBS}")
    page.set_viewport_size(PHONE)
    expect(page.locator("#download-file")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
