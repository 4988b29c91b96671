"""The subscribe form over HTTP (in process) with a real aiosmtpd relay, on both databases."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from html import unescape

import sqlalchemy as sa

from mailer.db import Database
from mailer.db.schema import mailing_list, subscriber, subscription
from mailer.web.public.site import accept_language
from tests.conftest import table_count
from tests.web.conftest import Clock, Mailbox, body, public_site

CHECK = "/subscribe/check"


def people(db: Database) -> list[tuple[str, str, str | None, str | None, str | None]]:
    c = subscriber.c
    query = sa.select(c.email, c.status, c.name, c.consent_source, c.consent_ip).order_by(c.id)
    with db.read() as conn:
        return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


def list_statuses(db: Database, email: str) -> dict[str, str]:
    query = (
        sa.select(mailing_list.c.name, subscription.c.status)
        .join(mailing_list)
        .join(subscriber)
        .where(subscriber.c.email == email)
    )
    with db.read() as conn:
        return {name: status for name, status in conn.execute(query)}


async def chunks(parts: list[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def test_the_form_speaks_the_visitors_language(public_db: Database, db_url: str) -> None:
    async def scenario() -> None:
        async with public_site(db_url, Clock()) as site:
            by_header = await site.client.get(
                "/subscribe", headers={"Accept-Language": "de-DE;q=0.9, ru-RU;q=0.8, en;q=0.1"}
            )
            by_query = await site.client.get(
                "/subscribe?lang=en", headers={"Accept-Language": "ru"}
            )
            unknown = await site.client.get("/subscribe?lang=xx", headers={"Accept-Language": "fr"})
        assert '<html lang="ru"' in by_header.text
        assert "Подписка на рассылку" in by_header.text
        assert '<label for="email">Адрес электронной почты' in by_header.text
        assert "Грузия" in by_header.text  # country names in the page's language
        assert '<html lang="en"' in by_query.text
        assert "Subscribe to our newsletter" in by_query.text
        assert '<html lang="en"' in unknown.text

    asyncio.run(scenario())


def test_pages_are_accessible_and_carry_security_headers(public_db: Database, db_url: str) -> None:
    async def scenario() -> None:
        async with public_site(db_url, Clock()) as site:
            page = await site.client.get("/subscribe")
            css = await site.client.get("/static/public.css")
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "script-src" not in policy  # so no script at all, inline or not
        assert "frame-ancestors 'none'" in policy
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "<script" not in page.text
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in page.text
        assert page.text.count("<h1>") == 1
        for field in ("email", "name", "country", "language"):
            assert f'<label for="{field}">' in page.text
            assert f'id="{field}"' in page.text
        assert "<legend>What would you like to receive?</legend>" in page.text
        assert "The monthly newsletter" in page.text
        assert ":focus-visible" in css.text
        assert "@media (max-width" in css.text

    asyncio.run(scenario())


def test_a_bad_address_shows_the_form_again_with_the_error_at_the_field(
    public_db: Database, db_url: str
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, Clock()) as site:
            response = await site.subscribe(email="not-an-address", name="Ana", country="GE")
            assert response.status_code == 422
            text = response.text
            assert 'id="email"' in text
            assert 'aria-invalid="true" aria-describedby="email-error"' in text
            assert 'id="email-error"' in text
            assert "Enter a valid email address" in text
            assert 'value="not-an-address"' in text  # what was typed is kept
            assert 'value="Ana"' in text
            assert '<option value="GE" selected>' in text
            assert site.mailbox.messages == []
        assert table_count(public_db, "subscriber") == 0

    asyncio.run(scenario())


def test_unknown_lists_interests_and_countries_are_named_field_by_field(
    public_db: Database, db_url: str
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, Clock()) as site:
            response = await site.subscribe(
                email="ana@example.org",
                lists=["monthly", "secret-staff"],
                interests=["youth", "astrology"],
                country="Atlantis",
            )
            none_chosen = await site.subscribe(email="ana@example.org", lists=[])
        assert response.status_code == 422
        text = unescape(response.text)
        assert "lists-error" in text
        assert "unknown list 'secret-staff'" in text
        assert "interests-error" in text
        assert "unknown interest 'astrology'" in text
        assert "country-error" in text
        assert "'Atlantis' is not an ISO 3166 country" in text
        assert 'href="#lists-group"' in text  # the summary links to each field
        assert none_chosen.status_code == 422
        assert "Choose at least one newsletter" in none_chosen.text
        assert table_count(public_db, "subscriber") == 0

    asyncio.run(scenario())


def test_signup_stores_unconfirmed_with_consent_and_mails_a_link_without_the_name(
    public_db: Database, db_url: str
) -> None:
    name = '<b onmouseover="alert(1)">Ana</b>'

    async def scenario() -> Mailbox:
        async with public_site(db_url, Clock()) as site:
            response = await site.subscribe(
                ip="203.0.113.9",
                email="Ana@Example.ORG",
                name=name,
                country="Georgia",
                language="ka",
                lists=["monthly", "events"],
                interests=["Youth"],
                source="partner-site",
                utm_campaign="ignored",
                extra_field="ignored",
            )
            assert response.status_code == 303
            assert response.headers["location"].startswith(CHECK)
            check = await site.client.get(response.headers["location"])
            assert "Check your mailbox" in check.text
            # markup typed as a name is escaped when the form comes back
            again = await site.subscribe(email="broken", name=name)
            assert "<b onmouseover" not in again.text
            assert "&lt;b onmouseover=&#34;alert(1)&#34;&gt;Ana&lt;/b&gt;" in again.text
            return site.mailbox

    mailbox = asyncio.run(scenario())
    assert people(public_db) == [
        ("Ana@example.org", "unconfirmed", name, "web:partner-site", "203.0.113.9")
    ]
    assert list_statuses(public_db, "Ana@example.org") == {
        "monthly": "unconfirmed",
        "events": "unconfirmed",
    }
    [message] = mailbox.messages
    assert message["To"] == "Ana@example.org"
    assert message["Content-Language"] == "ka"
    assert message["Subject"] == "გთხოვთ, დაადასტუროთ გამოწერა"
    raw = message.as_string()
    assert "Ana</b>" not in raw
    assert "onmouseover" not in raw
    assert "Ana <" not in raw
    assert "monthly, events" in body(message, "plain")
    with public_db.read() as conn:
        sent_at, consent_at = conn.execute(
            sa.select(subscriber.c.confirm_sent_at, subscriber.c.consent_at)
        ).one()
    assert sent_at == consent_at == Clock().now


def test_honeypot_pretends_success_and_stores_and_sends_nothing(
    public_db: Database, db_url: str
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, Clock()) as site:
            response = await site.subscribe(email="bot@example.org", website="http://spam.example")
            assert response.status_code == 303
            assert response.headers["location"].startswith(CHECK)
            await asyncio.sleep(0)
            assert site.mailbox.messages == []

    asyncio.run(scenario())
    assert table_count(public_db, "subscriber") == 0


def test_oversized_and_unreadable_forms_are_refused(public_db: Database, db_url: str) -> None:
    async def scenario() -> None:
        async with public_site(db_url, Clock(), web__max_form_bytes="2000") as site:
            big = await site.subscribe(email="ana@example.org", name="x" * 5000)
            assert big.status_code == 413
            assert "The form is too large" in big.text
            streamed = await site.client.post(
                "/subscribe",
                content=chunks([b"email=a%40example.org&name=", b"y" * 3000]),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )  # no Content-Length: refused while reading
            assert streamed.status_code == 413
            upload = await site.client.post(
                "/subscribe", data={"email": "ana@example.org"}, files={"f": b"data"}
            )
            assert upload.status_code == 415
            assert "could not be read" in upload.text
            # the form takes no file: multipart is refused unread, even without a file in it
            parts = "".join(
                f'--b0\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
                for key, value in (("email", "bob@example.org"), ("lists", "monthly"))
            )
            multipart = await site.client.post(
                "/subscribe",
                content=(parts + "--b0--\r\n").encode(),
                headers={"Content-Type": "multipart/form-data; boundary=b0"},
            )
            assert multipart.status_code == 415
            assert site.mailbox.to("bob@example.org") == []

    asyncio.run(scenario())
    assert people(public_db) == []


def test_rate_limits_per_ip_and_per_address_answer_429(public_db: Database, db_url: str) -> None:
    async def scenario() -> None:
        limits = {"web__subscribe_per_ip": "3", "web__subscribe_per_address": "2"}
        async with public_site(db_url, Clock(), **limits) as site:
            ip_answers = [
                (await site.subscribe(ip="192.0.2.10", email=f"p{i}@example.org")).status_code
                for i in range(4)
            ]
            assert ip_answers == [303, 303, 303, 429]
            refused = await site.subscribe(ip="192.0.2.10", email="p9@example.org")
            assert int(refused.headers["retry-after"]) > 0
            assert "Too many attempts" in refused.text
            # another visitor is not held up by the first
            address = [
                (await site.subscribe(ip=f"192.0.2.{20 + i}", email="same@example.org"))
                for i in range(3)
            ]
            assert [r.status_code for r in address] == [303, 303, 429]
            assert len(site.mailbox.to("same@example.org")) == 1

    asyncio.run(scenario())
    assert table_count(public_db, "subscriber") == 4


def test_at_most_one_confirmation_mail_a_day(public_db: Database, db_url: str) -> None:
    clock = Clock()

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            for _ in range(3):
                assert (await site.subscribe(email="ana@example.org")).status_code == 303
                clock.advance(hours=2)
            assert len(site.mailbox.messages) == 1
            clock.advance(hours=20)  # a day after the first mail
            assert (await site.subscribe(email="ana@example.org")).status_code == 303
            assert len(site.mailbox.messages) == 2

    asyncio.run(scenario())


def test_an_active_subscriber_signing_up_again_learns_nothing(
    public_db: Database, db_url: str
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, Clock()) as site:
            first = await site.subscribe(email="ana@example.org", name="Ana")
            link = re.search(r"/confirm/\S+", body(site.mailbox.messages[0], "plain"))
            assert link is not None
            await site.client.post(link[0])
            again = await site.subscribe(email="ana@example.org", name="Mallory")
            stranger = await site.subscribe(email="new@example.org")
            assert first.status_code == again.status_code == stranger.status_code == 303
            assert again.headers["location"] == stranger.headers["location"]
            # no second mail to the subscriber, and their name was not changed by the form
            assert len(site.mailbox.confirmations("ana@example.org")) == 1

    asyncio.run(scenario())
    assert people(public_db)[0][:3] == ("ana@example.org", "active", "Ana")


def test_a_relay_failure_asks_to_try_later_and_keeps_nothing(
    public_db: Database, db_url: str
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, Clock()) as site:
            site.mailbox.refuse = True
            failed = await site.subscribe(email="ana@example.org", name="Ana")
            assert failed.status_code == 503
            assert "Please try again later" in failed.text
            assert "Nothing has been saved" in failed.text
            assert table_count(public_db, "subscriber") == 0
            site.mailbox.refuse = False
            retried = await site.subscribe(email="ana@example.org", name="Ana")
            assert retried.status_code == 303
            assert len(site.mailbox.to("ana@example.org")) == 1

    asyncio.run(scenario())
    assert people(public_db)[0][:2] == ("ana@example.org", "unconfirmed")


def test_no_relay_at_all_is_the_same_try_later_page(public_db: Database, db_url: str) -> None:
    async def scenario() -> None:
        async with public_site(db_url, Clock(), smtp_port=1) as site:  # port 1: refused
            failed = await site.subscribe(email="ana@example.org", lang="ru")
            assert failed.status_code == 503

    asyncio.run(scenario())
    assert table_count(public_db, "subscriber") == 0


def test_accept_language_is_read_by_quality_then_order() -> None:
    header = "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5, ru;q=0"
    assert accept_language(header) == ["fr-CH", "fr", "en", "de"]
    assert accept_language("en;q=bad, ka") == ["ka"]


def test_a_database_outage_gets_a_page_not_a_crash(clock: Clock) -> None:
    async def scenario() -> None:
        nothing_there = "postgresql://postgres@127.0.0.1:1/mailer"  # port 1: refused
        async with public_site(nothing_there, clock) as site:
            response = await site.client.get("/subscribe")
            assert response.status_code == 503
            assert "Temporarily unavailable" in response.text
            assert response.headers["x-frame-options"] == "DENY"

    asyncio.run(scenario())
