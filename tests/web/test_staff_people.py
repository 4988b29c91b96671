"""People in the staff UI: search without case or accents, IDN shown in Unicode; a person's
page edits, takes off a list, lifts a suppression and erases, each logged with who and when."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from mailer.app import App
from mailer.core.privacy import address_hash
from mailer.core.subscribers import email_key
from mailer.db import signups, suppression
from mailer.db import subscribers as queries
from mailer.subscriptions import people
from tests.web.test_staff_support import (
    EMAIL,
    PEOPLE,
    add_people,
    add_staff,
    make_app,
    signed_in,
    text_of,
)

IDN = "olé@xn--80a1acny.xn--p1ai"
MORE = PEOPLE.splitlines()[0] + "\n" + f"{IDN},José Olé,MK,mk,research\n"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    add_people(made, tmp_path)
    add_people(made, tmp_path, MORE)
    return made


def test_search_by_prefix_without_case_or_accents(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            found = await http.get("/staff/people", params={"q": "НИНО"})
            assert "nino@example.org" in text_of(found.text, "people-results")
            accents = await http.get("/staff/people", params={"q": "ole"})
            results = text_of(accents.text, "people-results")
            assert "olé@почта.рф" in results  # the domain as people write it
            assert "José Olé" in results
            by_domain = await http.get("/staff/people", params={"q": "olé@поч"})
            assert "olé@почта.рф" in text_of(by_domain.text, "people-results")
            nobody = await http.get("/staff/people", params={"q": "zz"})
            assert "Nobody found" in text_of(nobody.text, "people-none")

    asyncio.run(scenario())


def test_edit_leave_list_and_erase_are_logged(app: App) -> None:
    page_url = "/staff/subscribers/person?email=nino%40example.org"

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            page = await http.get(page_url)
            assert page.status_code == 200
            assert "No changes by staff yet." in text_of(page.text, "person-changes")
            form = {
                "csrf": csrf,
                "email": "nino@example.org",
                "name": "Нино Беридзе",
                "country": "GE",
                "language": "ka",
                "interests": ["fatherhood", "research"],
            }
            edited = await http.post("/staff/people/edit", data=form)
            assert edited.status_code == 303
            page = await http.get(edited.headers["location"])
            assert text_of(page.text, "notice") == "Saved."
            log = text_of(page.text, "person-changes")
            assert EMAIL in log
            assert "name: Нино → Нино Беридзе" in log
            assert "interests: fatherhood → fatherhood, research" in log

            bad = await http.post("/staff/people/edit", data={**form, "country": "Narnia"})
            assert bad.status_code == 400
            assert "country" in text_of(bad.text, "action-error")

            left = await http.post(
                "/staff/people/leave",
                data={"csrf": csrf, "email": "nino@example.org", "list": "members"},
            )
            page = await http.get(left.headers["location"])
            assert "unsubscribed from members" in text_of(page.text, "person-changes")

            wrong = await http.post(
                "/staff/people/erase",
                data={"csrf": csrf, "email": "nino@example.org", "confirm": "nino"},
            )
            assert wrong.status_code == 400
            assert "type the person's address" in text_of(wrong.text, "action-error")
            erased = await http.post(
                "/staff/people/erase",
                data={"csrf": csrf, "email": "nino@example.org", "confirm": "NINO@example.org"},
            )
            assert erased.status_code == 303
            gone = await http.get(page_url)
            assert gone.status_code == 404

    asyncio.run(scenario())
    record = people.show(app.database, "ana@example.org")
    assert record["status"] == "active"


def bounce(app: App, email: str) -> None:
    """What a hard bounce leaves: status bounced, the address suppressed."""
    key = email_key(email)
    with app.database.write() as conn:
        subscriber_id = queries.find_by_key(conn, key)["id"]  # type: ignore[index]
        signups.set_status(conn, subscriber_id, "bounced", only_from=("active",), now=app.clock())
        suppression.suppress(
            conn, address_hash(suppression.salt(conn), key), reason="hard bounce", now=app.clock()
        )


def test_lifting_a_suppression_needs_a_reason_and_brings_a_bounced_person_back(app: App) -> None:
    bounce(app, "ana@example.org")
    page_url = "/staff/subscribers/person?email=ana%40example.org"

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            page = await http.get(page_url)
            assert "hard bounce" in text_of(page.text, "person-suppressed")
            form = {"csrf": csrf, "email": "ana@example.org", "reason": " "}
            refused = await http.post("/staff/people/lift", data=form)
            assert refused.status_code == 400
            assert "say why" in text_of(refused.text, "action-error")
            lifted = await http.post(
                "/staff/people/lift", data={**form, "reason": "mailbox fixed, she wrote to us"}
            )
            page = await http.get(lifted.headers["location"])
            assert text_of(page.text, "notice") == "The suppression is lifted."
            assert 'id="person-suppressed"' not in page.text
            log = text_of(page.text, "person-changes")
            assert "status: bounced → active" in log
            assert "why: mailbox fixed, she wrote to us" in log

    asyncio.run(scenario())
    assert people.show(app.database, "ana@example.org")["status"] == "active"
    assert people.count(app.database, segment="country = RS") == 1
