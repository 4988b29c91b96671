"""A subscriber's whole life on the public pages, mail read from a real aiosmtpd server.

subscribe → confirmation mail → confirm → preferences (change, pause, resume) → export →
unsubscribe (one click) → erase; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from mailer.db import Database
from mailer.db.schema import subscriber
from mailer.errors import NotFound
from mailer.subscriptions import people, preferences
from tests.conftest import table_count
from tests.web.conftest import Clock, confirm_path, public_site

PREFERENCES = re.compile(r'href="(?:https://news\.example\.org)?(/preferences/[^"?]+)')
UNSUBSCRIBE = re.compile(r'href="(?:https://news\.example\.org)?(/u/[^"?]+)')


def status(db: Database) -> str:
    with db.read() as conn:
        return str(conn.execute(sa.select(subscriber.c.status)).scalar_one())


def test_subscribe_confirm_change_export_unsubscribe_erase(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            client = site.client
            form = await client.get("/subscribe?lang=ru")
            assert form.status_code == 200
            posted = await site.subscribe(
                email="nino@example.org",
                name="Нино",
                country="GE",
                language="ru",
                interests=["youth"],
                lists=["monthly"],
                source="partner-ge",
            )
            assert posted.status_code == 303
            [mail] = site.mailbox.to("nino@example.org")
            assert mail["Subject"] == "Подтвердите подписку"
            assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            assert "Нино" not in mail.as_string()
            assert status(public_db) == "unconfirmed"

            link = confirm_path(mail)
            shown = await client.get(link)
            assert shown.status_code == 200
            assert status(public_db) == "unconfirmed"  # a GET confirms nothing
            clock.advance(minutes=3)
            confirmed = await client.post(link)
            assert confirmed.status_code == 200
            assert status(public_db) == "active"
            found = PREFERENCES.search(confirmed.text)
            assert found is not None
            settings = found[1]

            page = await client.get(settings + "?lang=ru")
            assert "Настройки подписки" in page.text
            assert "nino@example.org" in page.text
            assert re.search(r'value="monthly"\s+checked', page.text)
            assert '<option value="GE" selected>' in page.text
            client.cookies.clear()  # the rest in English: forget the language ?lang=ru chose

            changed = await client.post(
                settings,
                data={
                    "name": "Нино Б.",
                    "country": "RS",
                    "language": "sr-Latn",
                    "interests": ["youth", "fatherhood"],
                    "lists": ["monthly", "events"],
                },
            )
            assert changed.status_code == 200
            assert "Your settings have been saved." in changed.text
            record = people.show(public_db, "nino@example.org")
            assert (record["name"], record["country"], record["language"]) == (
                "Нино Б.",
                "RS",
                "sr-Latn",
            )
            assert record["interests"] == ["fatherhood", "youth"]
            assert {s["name"]: s["status"] for s in record["lists"]} == {
                "monthly": "active",
                "events": "active",
            }

            refused = await client.post(settings, data={"country": "Narnia", "lists": ["nope"]})
            assert refused.status_code == 422
            assert "country-error" in refused.text
            assert "lists-error" in refused.text
            assert "unknown list 'nope'" in unescape(refused.text)
            assert people.show(public_db, "nino@example.org")["country"] == "RS"

            paused = await client.post(settings, data={"action": "pause"})
            assert "Paused" in paused.text
            held = preferences.profile(public_db, record["id"])
            assert held is not None
            assert not held.receiving
            assert held.country == "RS"  # the profile is kept
            resumed = await client.post(
                settings, data={"country": "RS", "language": "sr-Latn", "lists": ["events"]}
            )
            assert resumed.status_code == 200
            again = preferences.profile(public_db, record["id"])
            assert again is not None
            assert again.lists == {
                "monthly": "unsubscribed",
                "events": "active",
            }

            export = await client.post(settings + "/export")
            assert export.status_code == 200
            assert export.headers["content-type"].startswith("application/json")
            assert "attachment" in export.headers["content-disposition"]
            data = json.loads(export.content)
            assert data["email"] == "nino@example.org"
            assert data["consent"]["source"] == "web:partner-ge"
            assert data["consent"]["ip"] == "192.0.2.1"
            assert data["consent"]["confirmed_at"] is not None

            found_leave = UNSUBSCRIBE.search(page.text)
            assert found_leave is not None
            left = await client.post(
                found_leave[1],
                content=b"List-Unsubscribe=One-Click",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert left.status_code == 200
            assert status(public_db) == "unsubscribed"

            step = await client.post(settings + "/erase")
            assert "Erase your data?" in step.text
            assert table_count(public_db, "subscriber") == 1  # the first step erases nothing
            erased = await client.post(settings + "/erase", data={"confirm": "yes"})
            assert erased.status_code == 200
            assert "Your data has been erased" in erased.text
            assert table_count(public_db, "subscriber") == 0
            gone = await client.get(settings)
            assert gone.status_code == 404

            # the address stays suppressed: signing up again sends nothing, says the same
            clock.advance(days=2)
            back = await site.subscribe(email="nino@example.org")
            assert back.status_code == 303
            assert len(site.mailbox.confirmations("nino@example.org")) == 1

    asyncio.run(scenario())
    assert table_count(public_db, "subscriber") == 0
    assert table_count(public_db, "suppression") == 1
    with pytest.raises(NotFound, match="only a hash is kept: suppressed, erased"):
        people.show(public_db, "nino@example.org")


def test_an_unsubscribed_person_comes_back_through_a_new_confirmation(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            await site.subscribe(email="ivan@example.org", lists=["monthly"])
            await site.client.post(confirm_path(site.mailbox.messages[-1]))
            record = people.show(public_db, "ivan@example.org")
            preferences.unsubscribe(public_db, record["id"], now=clock())
            assert status(public_db) == "unsubscribed"
            clock.advance(days=2)
            await site.subscribe(email="ivan@example.org", lists=["events"])
            assert status(public_db) == "unsubscribed"  # not until they confirm
            assert len(site.mailbox.confirmations("ivan@example.org")) == 2
            await site.client.post(confirm_path(site.mailbox.messages[-1]))
            assert status(public_db) == "active"
            lists = {
                s["name"]: s["status"] for s in people.show(public_db, "ivan@example.org")["lists"]
            }
            assert lists == {"monthly": "unsubscribed", "events": "active"}

    asyncio.run(scenario())
