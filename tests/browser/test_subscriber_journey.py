"""A subscriber in a real browser, in Russian: subscribe → the confirmation mail from the
capture SMTP → confirm → change preferences → unsubscribe."""

from __future__ import annotations

import json
import re
from email.message import Message

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Service, picture
from tests.waiting import PATIENCE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.subprocess,
]

EMAIL = "nina.k@example.net"


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def person(service: Service) -> dict[str, object]:
    shown = service.mailer("subscribers", "show", EMAIL, "--json")
    assert shown.returncode == 0, shown.stderr
    record: dict[str, object] = json.loads(shown.stdout)
    return record


def test_a_subscriber_subscribes_confirms_changes_and_leaves(
    service: Service, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()  # a phone-sized window, a Russian-speaking browser
    page.set_default_timeout(PATIENCE * 1000)
    page.goto(f"{service.base_url}/subscribe")
    expect(page.locator("h1")).to_have_text("Подписка на рассылку")
    page.locator("#email").fill(EMAIL)
    page.locator("#name").fill("Нина <b>К.</b>")
    page.locator("#country").select_option("GE")
    page.locator("#language").select_option("ru")
    page.locator("input[name=interests][value=fatherhood]").check()
    picture(page, service.shots / "public-subscribe.png", full_page=True)
    before = len(service.captured())
    page.get_by_role("button", name="Подписаться").click()
    expect(page.locator("h1")).to_have_text("Проверьте почту")
    assert person(service)["status"] == "unconfirmed"

    [mail] = service.wait_for_mail(before + 1)[before:]
    assert mail["To"] == EMAIL  # the typed name is not in the mail at all
    body = text_of(mail)
    assert "Нина" not in body
    link = re.search(r"http://127\.0\.0\.1:\d+/confirm/\S+", body)
    assert link is not None, body
    page.goto(link.group(0))
    expect(page.locator("h1")).to_have_text("Подтвердите подписку")
    assert person(service)["status"] == "unconfirmed"  # opening the link changes nothing
    page.get_by_role("button", name="Подтвердить подписку").click()
    expect(page.locator("h1")).to_have_text("Подписка подтверждена")
    assert person(service)["status"] == "active"

    page.get_by_role("link", name="Выбрать темы и рассылки").click()
    expect(page.locator("h1")).to_have_text("Настройки подписки")
    page.locator("#country").select_option("RS")
    page.locator("input[name=interests][value=fatherhood]").uncheck()
    page.locator("input[name=interests][value='violence prevention']").check()
    picture(page, service.shots / "public-preferences.png", full_page=True)
    page.get_by_role("button", name="Сохранить настройки").click()
    expect(page.get_by_text("Настройки сохранены.")).to_be_visible()
    changed = person(service)
    assert (changed["country"], changed["interests"]) == ("RS", ["violence prevention"])

    page.get_by_role("link", name="Отписаться от всего").click()
    expect(page.locator("h1")).to_have_text("Отписаться")
    picture(page, service.shots / "public-unsubscribe.png", full_page=True)
    page.get_by_role("button", name="Отписаться от всех рассылок").click()
    expect(page.locator("h1")).to_have_text("Вы отписались")
    lists = person(service)["lists"]
    assert isinstance(lists, list)
    assert [entry["status"] for entry in lists] == ["unsubscribed"]
    context.close()


@pytest.mark.parametrize(
    ("locale", "tag", "heading"),
    [
        ("ka-GE", "ka", "გამოიწერეთ ჩვენი ბიულეტენი"),
        ("az-AZ", "az", "Bülletenimizə abunə olun"),
        ("sr-Latn-RS", "sr-Latn", "Pretplatite se na naš bilten"),
    ],
)
def test_the_subscribe_page_on_a_phone_in_member_languages(
    service: Service, browser: Browser, locale: str, tag: str, heading: str
) -> None:
    """The browser's own language picks the page (docs/screenshots/public-subscribe-*.png)."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(PATIENCE * 1000)
    page.goto(f"{service.base_url}/subscribe")
    expect(page.locator("html")).to_have_attribute("lang", tag)
    expect(page.locator("h1")).to_have_text(heading)
    picture(page, service.shots / f"public-subscribe-{tag}.png", full_page=True)
    context.close()
