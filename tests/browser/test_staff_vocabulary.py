"""The interests page in a real browser, in Russian: switch the staff pages to Русский, give a
new interest an English and a Georgian title, publish it; the public form in Georgian then
offers it by its Georgian title. Screenshots of two staff pages in ru, laptop and phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Service
from tests.browser.staff_pages import PHONE, no_sideways_scroll, ready, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]


def test_staff_publish_an_interest_in_russian(service: Service, page: Page) -> None:
    imported = service.mailer("interests", "add", "mentoring")
    assert imported.returncode == 0, imported.stderr
    sign_in(service, page, "/staff/interests")
    page.locator("#staff-lang-ru").click()
    ready(page)
    expect(page.locator("h1")).to_have_text("Интересы и списки")
    expect(page.locator("#nav-interests")).to_have_text("Интересы")
    shoot(service, page, "staff-interests-ru")

    page.goto(f"{service.base_url}/staff/interests/edit?slug=mentoring")
    ready(page)
    expect(page.locator("#interest-shown")).to_have_text("скрыт")
    page.locator("#title-en").fill("Mentoring")
    page.locator("#title-ka").fill("მენტორობა")
    page.locator("#titles-submit").click()
    expect(page.locator("#notice")).to_have_text("Названия сохранены.")
    page.locator("#publish-submit").click()
    expect(page.locator("#notice")).to_have_text("Теперь интерес предлагается в публичных формах.")
    expect(page.locator("#interest-shown")).to_have_text("опубликован")
    shoot(service, page, "staff-interest-ru")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)

    page.goto(f"{service.base_url}/subscribe?lang=ka")
    expect(page.locator("label[for^=interest]", has_text="მენტორობა")).to_be_visible()
    expect(page.locator("label[for^=interest]", has_text="მამობა")).to_be_visible()
    expect(page.locator("label[for^=list]")).to_contain_text("ქსელის ყოველთვიური ბიულეტენი")
