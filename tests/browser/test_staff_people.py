"""People in a real browser: find a person by a name typed without accents, edit them and
lift their suppression; `mailer subscribers show` then shows the change."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from mailer.app import App
from mailer.config import load_settings
from mailer.core.privacy import address_hash
from mailer.core.subscribers import email_key
from mailer.db import signups, suppression
from mailer.db import subscribers as queries
from tests.browser.conftest import Service
from tests.browser.staff_pages import PHONE, no_sideways_scroll, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

PERSON = "member0000000.rs@example.org"  # Ivana Marković, RS, in subscribers/example.csv


def hard_bounce(service: Service, email: str) -> None:
    """What a hard bounce leaves behind: status bounced, the address suppressed."""
    with App(load_settings(service.config, environ={})).start() as app:
        key = email_key(email)
        with app.database.write() as conn:
            row = queries.find_by_key(conn, key)
            assert row is not None
            signups.set_status(conn, row["id"], "bounced", only_from=("active",), now=app.clock())
            salt = suppression.salt(conn)
            suppression.suppress(
                conn, address_hash(salt, key), reason="hard bounce", now=app.clock()
            )


def test_a_person_edited_and_unsuppressed_in_the_ui(service: Service, page: Page) -> None:
    hard_bounce(service, PERSON)
    sign_in(service, page, "/staff/people")
    page.locator("#people-q").fill("markovic")  # no accent, lower case
    page.locator("#people-submit").click()
    page.get_by_role("link", name=PERSON).click()
    expect(page.locator("#person-email")).to_have_text(PERSON)
    expect(page.locator("#person-suppressed")).to_contain_text("hard bounce")

    page.locator("#edit-name").fill("Ivana Marković-Petrović")
    page.locator("#edit-country").select_option("MK")
    page.locator("#edit-save").click()
    expect(page.locator("#notice")).to_have_text("Saved.")
    page.locator("#lift-reason").fill("she wrote: the mailbox works again")
    page.locator("#lift").click()
    expect(page.locator("#notice")).to_have_text("The suppression is lifted.")
    expect(page.locator("#person-changes")).to_contain_text("status: bounced → active")
    expect(page.locator("#person-changes")).to_contain_text("country: RS → MK")
    shoot(service, page, "staff-person")

    shown = service.mailer("subscribers", "show", PERSON, "--json")
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["name"] == "Ivana Marković-Petrović"
    assert record["country"] == "MK"
    assert record["status"] == "active"
    assert record["bounce_score"] == 0

    page.goto(f"{service.base_url}/staff/people?q=ivana")
    shoot(service, page, "staff-people")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
