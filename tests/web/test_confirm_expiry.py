"""A confirmation link works for 7 days; after that a page in the visitor's language says it
expired and how to get a new one, and nothing is confirmed. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from mailer.core.tokens import make_token
from mailer.db import Database
from mailer.db.schema import meta, subscriber
from mailer.subscriptions import people
from tests.conftest import TEST_SECRET
from tests.web.conftest import Clock, confirm_path, public_site

EXPIRED_EN = "This confirmation link has expired"
EXPIRED_RU = "Срок действия ссылки истёк"


def status(db: Database, email: str) -> str:
    return str(people.show(db, email)["status"])


def test_a_confirmation_link_expires_after_7_days(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            await site.subscribe(email="late@example.org")
            await site.subscribe(email="soon@example.org")
            late = confirm_path(site.mailbox.to("late@example.org")[-1])
            soon = confirm_path(site.mailbox.to("soon@example.org")[-1])

            clock.advance(days=6, hours=23)
            assert (await site.client.post(soon)).status_code == 200
            assert status(public_db, "soon@example.org") == "active"

            clock.advance(hours=1, minutes=1)
            for method in ("GET", "POST"):
                page = await site.client.request(method, late)
                assert page.status_code == 410, (method, page.text)
                assert EXPIRED_EN in page.text
                assert 'class="button" href="/subscribe?lang=en"' in page.text
                assert "late@example.org" not in page.text
            russian = await site.client.get(late + "?lang=ru")
            assert russian.status_code == 410
            assert EXPIRED_RU in russian.text
            assert 'class="button" href="/subscribe?lang=ru"' in russian.text
            assert status(public_db, "late@example.org") == "unconfirmed"

            # the way out the page names: the form again, which mails a new link
            await site.subscribe(email="late@example.org")
            again = confirm_path(site.mailbox.to("late@example.org")[-1])
            assert again != late
            assert (await site.client.post(again)).status_code == 200
            assert (await site.client.post(soon)).status_code == 200  # confirmed is confirmed

    asyncio.run(scenario())
    assert status(public_db, "late@example.org") == "active"


def test_a_link_from_before_the_upgrade_lasts_7_days_from_its_mail(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    """Confirmation links in mail sent before they carried a time (``s<id>``) count from the
    last confirmation mail the person was sent."""

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            for email in ("old@example.org", "older@example.org"):
                await site.subscribe(email=email)
            with public_db.write() as conn:
                rows = conn.execute(sa.select(subscriber.c.email, subscriber.c.id)).all()
                ids = {email: int(id_) for email, id_ in rows}
                # as migration 0007 records it: these people were there before the upgrade
                horizon = str(max(ids.values()))
                conn.execute(sa.insert(meta).values(name="legacy_links.subscriber", value=horizon))
            clock.advance(days=6)
            old = "/confirm/" + make_token(TEST_SECRET, "confirm", f"s{ids['old@example.org']}")
            assert (await site.client.post(old)).status_code == 200
            clock.advance(days=2)
            older = "/confirm/" + make_token(TEST_SECRET, "confirm", f"s{ids['older@example.org']}")
            answer = await site.client.post(older)
            assert answer.status_code == 410
            assert EXPIRED_EN in answer.text

    asyncio.run(scenario())
    assert status(public_db, "old@example.org") == "active"
    assert status(public_db, "older@example.org") == "unconfirmed"
