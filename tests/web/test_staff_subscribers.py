"""Subscriber, import/export, bounce and outbox pages of the staff UI."""

from __future__ import annotations

import asyncio
import csv
import io
import mailbox
from pathlib import Path

import pytest

from mailer.app import App
from mailer.bounces import history
from mailer.bounces.simulate import delivery_report
from mailer.smtp.capture import bound_port, start_capture
from tests.conftest import table_count
from tests.web.test_staff_support import (
    NOW,
    SLUG,
    add_people,
    add_staff,
    make_app,
    signed_in,
    text_of,
)

SCRIPT_NAME = "<script>alert(1)</script>"
MARKED = (
    "email,name,country,language,interests\n"
    f'mallory@example.org,"{SCRIPT_NAME}",RS,sr,fatherhood\n'
    "=1+2@example.org,=SUM(A1),GE,ka,\n"
)


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path, web__outbox=str(tmp_path / "outbox"))
    add_staff(made)
    add_people(made, tmp_path)
    return made


def bounce(app: App, recipient: str, status: str, diagnostic: str, *, apply: bool = True) -> int:
    """A report from the bounce mailbox, matched by address alone (so unverified), then applied
    by a colleague unless ``apply`` is false; returns its event id."""
    report = delivery_report(
        b"Subject: hi\r\n\r\n",
        return_path="bounces@bounces.example.org",
        recipient=recipient,
        status=status,
        diagnostic=diagnostic,
        date=app.clock(),
    )
    assert app.bounce_ingest().message(report, source="imap").recorded
    event_id = int(history.events(app.database, limit=1)[0]["id"])
    if apply:
        history.apply(app.database, event_id, app.bounce_policy(), by="x@example.org", now=NOW)
    return event_id


def test_subscribers_filtered_by_segment_list_and_status_a_page_at_a_time(
    app: App, tmp_path: Path
) -> None:
    many = "email,name,country\n" + "".join(f"p{n:03}@example.org,P {n},AZ\n" for n in range(55))
    add_people(app, tmp_path, many, list_name="azerbaijan")

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            everyone = await http.get("/staff/subscribers")
            assert text_of(everyone.text, "subscriber-total") == "59 subscriber(s)"
            assert text_of(everyone.text, "pages") == "Page 1 of 2 Next"
            second = await http.get("/staff/subscribers?page=2")
            assert "p054@example.org" in second.text
            assert "p000@example.org" not in second.text
            georgia = await http.get("/staff/subscribers", params={"segment": "country = GE"})
            assert text_of(georgia.text, "subscriber-total") == "1 subscriber(s)"
            assert "nino@example.org" in text_of(georgia.text, "subscriber-list")
            listed = await http.get("/staff/subscribers", params={"list": "members"})
            assert text_of(listed.text, "subscriber-total") == "4 subscriber(s)"
            none = await http.get("/staff/subscribers", params={"status": "bounced"})
            assert text_of(none.text, "subscriber-total") == "0 subscriber(s)"
            wrong_list = await http.get("/staff/subscribers", params={"list": "nope"})
            assert wrong_list.status_code == 400
            assert text_of(wrong_list.text, "filter-error") == "No list 'nope'."

    asyncio.run(scenario())


def test_a_segment_syntax_error_is_shown_with_its_column(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            response = await http.get(
                "/staff/subscribers", params={"segment": "country = GE and and"}
            )
            assert response.status_code == 400
            shown = text_of(response.text, "segment-error")
            assert shown.startswith("Segment error at column 18:")
            assert "country = GE and and\n" + " " * 17 + "^</pre>" in response.text
            assert 'value="country = GE and and"' in response.text  # kept for correction

    asyncio.run(scenario())


def test_markup_in_names_is_escaped_on_every_page(app: App, tmp_path: Path) -> None:
    add_people(app, tmp_path, MARKED)

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            for path in (
                "/staff/subscribers",
                "/staff/subscribers/person?email=mallory@example.org",
                f"/staff/campaigns/{SLUG}/preview?email=mallory@example.org",
            ):
                response = await http.get(path)
                assert response.status_code == 200, path
                assert SCRIPT_NAME not in response.text, path
                assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text, path

    asyncio.run(scenario())


def test_a_subscribers_page_shows_everything_held_with_bounce_history(app: App) -> None:
    bounce(app, "ivan@example.org", "5.2.2", "552 5.2.2 Mailbox full")
    bounce(app, "ivan@example.org", "5.1.1", "550 5.1.1 <ivan@example.org>: unknown user")

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get("/staff/subscribers/person", params={"email": "IVAN@example.org"})
            assert page.status_code == 200
            assert text_of(page.text, "person-name") == "Ivan"
            assert text_of(page.text, "person-status") == "bounced"
            assert "members active" in text_of(page.text, "person-lists")
            history = text_of(page.text, "person-bounces")
            assert "Mailbox full" in history
            assert "hard" in history
            assert "import:people.csv" in text_of(page.text, "person-consent")
            missing = await http.get("/staff/subscribers/person", params={"email": "x@example.org"})
            assert missing.status_code == 404
            bounces = await http.get("/staff/bounces", params={"kind": "soft"})
            listed = text_of(bounces.text, "bounce-list")
            assert "Mailbox full" in listed
            assert "unknown user" not in listed
            recent = await http.get("/staff/bounces", params={"since": "1d"})
            assert "unknown user" in text_of(recent.text, "bounce-list")
            later = await http.get("/staff/bounces", params={"since": "2030-01-01"})
            assert text_of(later.text, "bounce-list") == "No bounces match."
            bad = await http.get("/staff/bounces", params={"since": "last week"})
            assert bad.status_code == 400
            assert text_of(bad.text, "bounce-error").startswith("Since: 'last week'")
            dashboard = await http.get("/staff/")
            assert "Mailbox full" in text_of(dashboard.text, "dashboard-bounces")
            assert text_of(dashboard.text, "count-bounced") == "1"

    asyncio.run(scenario())


def test_an_unverified_bounce_is_marked_and_a_colleague_applies_it(app: App) -> None:
    event_id = bounce(app, "ivan@example.org", "5.1.1", "550 5.1.1 unknown user", apply=False)

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            page = await http.get("/staff/bounces")
            row = text_of(page.text, f"bounce-{event_id}")
            assert "unverified" in row
            assert f'id="apply-{event_id}"' in page.text
            person = await http.get("/staff/subscribers/person?email=ivan@example.org")
            assert text_of(person.text, "person-status") == "active"  # it changed nobody

            forged = await http.post("/staff/bounces/apply", data={"event": str(event_id)})
            assert forged.status_code == 403  # no CSRF token: refused like every staff POST
            person = await http.get("/staff/subscribers/person?email=ivan@example.org")
            assert text_of(person.text, "person-status") == "active"

            done = await http.post(
                "/staff/bounces/apply", data={"csrf": csrf, "event": str(event_id)}
            )
            assert done.status_code == 303
            assert done.headers["location"] == f"/staff/bounces?applied={event_id}"
            shown = await http.get(done.headers["location"])
            assert text_of(shown.text, "notice") == f"Bounce event {event_id} applied."
            assert "applied by editor@example.org" in text_of(shown.text, f"bounce-{event_id}")
            assert f'id="apply-{event_id}"' not in shown.text
            person = await http.get("/staff/subscribers/person?email=ivan@example.org")
            assert text_of(person.text, "person-status") == "bounced"

            again = await http.post(
                "/staff/bounces/apply", data={"csrf": csrf, "event": str(event_id)}
            )
            assert again.status_code == 409
            assert "already applied" in text_of(again.text, "bounce-error")
            unknown = await http.post("/staff/bounces/apply", data={"csrf": csrf, "event": "99999"})
            assert unknown.status_code == 404

    asyncio.run(scenario())


def test_import_reports_bad_rows_and_export_guards_formulas(app: App) -> None:
    upload = (MARKED + "not-an-address,Nobody,RS,sr,\nzoe@example.org,Zoe,Atlantis,en,\n").encode()
    before = table_count(app.database, "subscriber")

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            response = await http.post(
                "/staff/subscribers/import",
                data={"csrf": csrf, "list": "partners", "status": "active"},
                files={"file": ("partners 2026.csv", upload, "text/csv")},
            )
            assert response.status_code == 200
            assert text_of(response.text, "import-created") == "2"
            assert text_of(response.text, "import-invalid") == "2"
            problems = text_of(response.text, "import-problems")
            assert "4 email" in problems
            assert "5 country" in problems
            assert "Atlantis" in problems
            assert "partners_2026.csv" in text_of(response.text, "import-report")

            no_email = await http.post(
                "/staff/subscribers/import",
                data={"csrf": csrf, "list": "partners", "status": "active"},
                files={"file": ("names.csv", b"name\nAna\n", "text/csv")},
            )
            assert no_email.status_code == 400
            assert text_of(no_email.text, "import-error").startswith(
                "The file names.csv cannot be imported: no 'email' column in the header"
            )
            no_list = await http.post(
                "/staff/subscribers/import",
                data={"csrf": csrf, "list": ""},
                files={"file": ("people.csv", upload, "text/csv")},
            )
            assert no_list.status_code == 400

            exported = await http.get("/staff/subscribers/export.csv", params={"list": "partners"})
            assert exported.status_code == 200
            assert exported.headers["content-type"].startswith("text/csv")
            assert "attachment" in exported.headers["content-disposition"]
            rows = list(csv.DictReader(io.StringIO(exported.text)))
            assert {row["email"] for row in rows} == {"mallory@example.org", "'=1+2@example.org"}
            assert {row["name"] for row in rows} == {SCRIPT_NAME, "'=SUM(A1)"}
            bad = await http.get("/staff/subscribers/export.csv", params={"segment": "country ="})
            assert bad.status_code == 400

    asyncio.run(scenario())
    assert table_count(app.database, "subscriber") == before + 2


def test_the_outbox_lists_captured_mail_and_shows_it_safely(app: App, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            empty = await http.get("/staff/outbox")
            assert text_of(empty.text, "outbox-empty").startswith("Nothing captured yet")
            server, handler = await start_capture("127.0.0.1", 0, outbox)
            capturing = make_app(
                app.settings.database.url,
                tmp_path,
                smtp_port=bound_port(server),
                web__outbox=str(outbox),
            )
            async with server, signed_in(capturing) as (captured_http, captured_csrf):
                sent = await captured_http.post(
                    f"/staff/campaigns/{SLUG}/test",
                    data={"csrf": captured_csrf, "addresses": "qa@example.org"},
                )
                assert sent.status_code == 200
            assert handler.received == 5  # en, ru, ka, sr and the Latin sr-Latn
            crafted = (
                b"From: x@example.org\r\nTo: qa@example.org\r\nSubject: <i>hello</i>\r\n"
                b"Date: Fri, 20 Nov 2026 10:00:00 +0000\r\n\r\n<script>alert(2)</script>\r\n"
            )
            key = mailbox.Maildir(outbox).add(crafted)
            listing = await http.get("/staff/outbox")
            assert listing.text.count("[TEST] ") == 5
            assert "&lt;i&gt;hello&lt;/i&gt;" in listing.text
            shown = await http.get(f"/staff/outbox/{key}")
            assert shown.status_code == 200
            assert "&lt;script&gt;alert(2)&lt;/script&gt;" in shown.text
            assert "<script>alert(2)" not in shown.text
            test_key = next(k for k in mailbox.Maildir(outbox).iterkeys() if k != key)
            copy = await http.get(f"/staff/outbox/{test_key}")
            assert f'sandbox src="/staff/outbox/{test_key}/html"' in copy.text
            html = await http.get(f"/staff/outbox/{test_key}/html")
            assert html.headers["content-security-policy"].startswith("sandbox;")
            assert "<html" in html.text.lower()
            gone = await http.get("/staff/outbox/1.2.nothing")
            assert gone.status_code == 404

    asyncio.run(scenario())


def test_the_outbox_is_off_unless_configured(db_url: str, tmp_path: Path) -> None:
    app = make_app(db_url, tmp_path)
    add_staff(app)

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get("/staff/")
            assert 'id="nav-outbox"' not in page.text
            off = await http.get("/staff/outbox")
            assert off.status_code == 404
            assert "The outbox is off" in text_of(off.text, "error-message")

    asyncio.run(scenario())
