"""The signed links of messages: confirm, unsubscribe (RFC 8058) and preferences, on both databases.

Bad tokens of every kind get the one generic page; GET never changes anything.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.core.links import preferences_url, unsubscribe_url
from mailer.core.tokens import make_token
from mailer.db import Database
from mailer.db.schema import mailing_list, subscriber, subscription
from mailer.dispatch.transactional import confirm_url
from tests.conftest import TEST_SECRET, link_nonce, table_count
from tests.web.conftest import BASE, Clock, public_site

INVALID = "This link is not valid"


def pending_subscriber(db: Database, now: datetime, *, status: str = "unconfirmed") -> int:
    """One subscriber waiting for confirmation, with a pending subscription to ``monthly``."""
    with db.write() as conn:
        subscriber_id = int(
            conn.execute(
                sa.insert(subscriber)
                .values(
                    email="ana@example.org",
                    email_key="ana@example.org",
                    name="Ana",
                    status=status,
                    attributes={},
                    created_at=now,
                    updated_at=now,
                    consent_source="web:test",
                    consent_at=now,
                )
                .returning(subscriber.c.id)
            ).scalar_one()
        )
        list_id = conn.execute(
            sa.select(mailing_list.c.id).where(mailing_list.c.name == "monthly")
        ).scalar_one()
        conn.execute(
            sa.insert(subscription).values(
                subscriber_id=subscriber_id,
                list_id=list_id,
                status=status,
                created_at=now,
                updated_at=now,
            )
        )
    return subscriber_id


def state(db: Database) -> list[Any]:
    """Everything the pages could change: subscribers, subscriptions, suppression."""
    with db.read() as conn:
        people = conn.execute(sa.select(subscriber).order_by(subscriber.c.id)).all()
        lists = conn.execute(sa.select(subscription)).all()
    return [people, lists, table_count(db, "suppression")]


def main(html: str) -> str:
    """The page's content, without the language links (which carry the page's own address)."""
    return html[html.index("<main") : html.index("</main>")]


def path(url: str) -> str:
    return url.removeprefix(BASE)


def bad_tokens(subscriber_id: int, nonce: str, purpose: str) -> dict[str, str]:
    subject = f"s{subscriber_id}.{nonce}"
    good = make_token(TEST_SECRET, purpose, subject)
    flipped = good[:-1] + ("A" if good[-1] != "A" else "B")
    others = {"confirm", "unsubscribe", "preferences"} - {purpose}
    return {
        "tampered signature": flipped,
        "other subject": good.replace(f".s{subscriber_id}.", f".s{subscriber_id + 1}."),
        "unknown key id": make_token(TEST_SECRET, purpose, subject, key_id="k9"),
        "other secret": make_token("another-secret-0123456789abcdef", purpose, subject),
        "garbage": "not-a-token",
        **{f"{other} token": make_token(TEST_SECRET, other, subject) for other in sorted(others)},
    }


def test_every_bad_token_gets_the_same_page_and_changes_nothing(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    subscriber_id = pending_subscriber(public_db, clock())
    nonce = link_nonce(public_db, subscriber_id)
    before = state(public_db)

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            pages = set()
            for purpose, prefix in (
                ("confirm", "/confirm/"),
                ("unsubscribe", "/u/"),
                ("preferences", "/preferences/"),
            ):
                for what, token in bad_tokens(subscriber_id, nonce, purpose).items():
                    for method in ("GET", "POST"):
                        response = await site.client.request(
                            method, prefix + token, data={"List-Unsubscribe": "One-Click"}
                        )
                        assert response.status_code == 404, (purpose, what, method)
                        assert INVALID in response.text
                        pages.add(main(response.text))
                for suffix in ("/export", "/erase"):
                    token = bad_tokens(subscriber_id, nonce, purpose)["tampered signature"]
                    response = await site.client.post(f"/preferences/{token}{suffix}")
                    assert response.status_code == 404
                    pages.add(main(response.text))
            assert len(pages) == 1  # one page, whatever was wrong

    asyncio.run(scenario())
    assert state(public_db) == before


def test_signed_links_that_name_nobody_act_on_nobody(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    """Our signature, but not this person's link: another nonce (someone erased who had this
    id), or none (a link from before nonces, for an id given out since the upgrade)."""
    subscriber_id = pending_subscriber(public_db, clock(), status="active")
    before = state(public_db)
    subjects = (f"s{subscriber_id}.{'x' * 8}", f"s{subscriber_id}")

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            for subject in subjects:
                for purpose, prefix in (
                    ("confirm", "/confirm/"),
                    ("unsubscribe", "/u/"),
                    ("preferences", "/preferences/"),
                ):
                    link = prefix + make_token(TEST_SECRET, purpose, subject)
                    for method in ("GET", "POST"):
                        response = await site.client.request(method, link)
                        one_click = (method, purpose) == ("POST", "unsubscribe")
                        # one-click for someone gone is "done" (RFC 8058), and links nowhere
                        assert response.status_code == (200 if one_click else 404), link
                        assert "ana@example.org" not in response.text
                        assert "/preferences/" not in main(response.text)
                    export = await site.client.post(f"{link}/export")
                    assert export.status_code == 404

    asyncio.run(scenario())
    assert state(public_db) == before


def test_no_get_changes_anything(public_db: Database, db_url: str, clock: Clock) -> None:
    subscriber_id = pending_subscriber(public_db, clock())
    nonce = link_nonce(public_db, subscriber_id)
    before = state(public_db)
    links = [
        path(confirm_url(BASE, TEST_SECRET, subscriber_id, nonce, clock())),
        path(unsubscribe_url(BASE, TEST_SECRET, subscriber_id, nonce)),
        path(preferences_url(BASE, TEST_SECRET, subscriber_id, nonce)),
        path(preferences_url(BASE, TEST_SECRET, subscriber_id, nonce)) + "/erase",
    ]

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            for link in links:
                for _ in range(2):  # a mail scanner may follow a link more than once
                    response = await site.client.get(link)
                    assert response.status_code == 200, link
                    assert '<form method="post"' in response.text
            export = await site.client.get(links[2] + "/export")
            assert export.status_code == 405  # the export is a POST only

    asyncio.run(scenario())
    assert state(public_db) == before


def test_confirming_activates_the_subscriber_and_their_lists(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    subscriber_id = pending_subscriber(public_db, clock())
    nonce = link_nonce(public_db, subscriber_id)
    link = path(confirm_url(BASE, TEST_SECRET, subscriber_id, nonce, clock()))

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            page = await site.client.get(link + "?lang=ru")
            assert "Подтвердить подписку" in page.text
            assert f'action="{link}?lang=ru"' in page.text
            clock.advance(minutes=5)
            confirmed = await site.client.post(link)
            assert confirmed.status_code == 200
            # the cookie the Russian link set keeps the pages in Russian
            assert "Подписка подтверждена" in confirmed.text
            assert "?lang=ru" in confirmed.text.split("/preferences/")[1].split('"')[0]
            again = await site.client.post(link)
            assert again.status_code == 200

    asyncio.run(scenario())
    with public_db.read() as conn:
        status, confirmed_at = conn.execute(
            sa.select(subscriber.c.status, subscriber.c.confirmed_at)
        ).one()
        list_status, opted_in = conn.execute(
            sa.select(subscription.c.status, subscription.c.opted_in_at)
        ).one()
    assert (status, list_status) == ("active", "active")
    assert confirmed_at is not None
    assert confirmed_at >= datetime(2026, 12, 1, 9, 5)
    assert opted_in is not None


def test_a_bounced_address_cannot_be_confirmed(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    subscriber_id = pending_subscriber(public_db, clock(), status="unconfirmed")
    nonce = link_nonce(public_db, subscriber_id)
    link = path(confirm_url(BASE, TEST_SECRET, subscriber_id, nonce, clock()))
    with public_db.write() as conn:
        conn.execute(sa.update(subscriber).values(status="bounced"))
    before = state(public_db)

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            response = await site.client.post(link)
            assert response.status_code == 404
            assert INVALID in response.text

    asyncio.run(scenario())
    assert state(public_db) == before


def test_one_click_unsubscribe_is_200_without_cookies_and_harmless_to_repeat(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    subscriber_id = pending_subscriber(public_db, clock(), status="active")
    link = path(
        unsubscribe_url(BASE, TEST_SECRET, subscriber_id, link_nonce(public_db, subscriber_id))
    )

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            page = await site.client.get(link)
            assert "ana@example.org" in page.text
            answers = []
            for _ in range(3):
                site.client.cookies.clear()
                response = await site.client.post(
                    link,
                    content=b"List-Unsubscribe=One-Click",
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    follow_redirects=False,
                )
                answers.append(response.status_code)
                assert "set-cookie" not in response.headers
                assert "You have been unsubscribed" in response.text
            assert answers == [200, 200, 200]
            shown_again = await site.client.get(link)
            assert "receives no newsletter from us" in shown_again.text

    asyncio.run(scenario())
    with public_db.read() as conn:
        assert conn.execute(sa.select(subscriber.c.status)).scalar_one() == "unsubscribed"
        assert conn.execute(sa.select(subscription.c.status)).scalar_one() == "unsubscribed"


def test_one_click_for_someone_already_erased_still_answers_200(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    link = path(unsubscribe_url(BASE, TEST_SECRET, 4242, "erased00"))

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            response = await site.client.post(link, data={"List-Unsubscribe": "One-Click"})
            assert response.status_code == 200

    asyncio.run(scenario())
