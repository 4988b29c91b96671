"""An erased person's links never reach anyone else, on SQLite and PostgreSQL.

SQLite gave a new row the highest id again after a delete, and links named ``s<id>``: after
alice was erased, bob got her id, and alice's old preferences link showed bob's profile,
exported his data and could erase him. Ids are never reused now, and a link also names the
person's random link nonce, which dies with them: an old link answers 404 even if an id came
back (a restored backup, a database copied by hand).
"""

from __future__ import annotations

import asyncio
import re
from html import unescape

import sqlalchemy as sa

from mailer.db import Database
from mailer.db.schema import subscriber
from mailer.subscriptions import people
from tests.web.conftest import BASE, Clock, PublicSite, confirm_path, public_site

LINK = re.compile(rf"(?:{re.escape(BASE)})?(/(?:u|preferences)/[A-Za-z0-9._:-]+)")
INVALID = "This link is not valid"


def ids(db: Database) -> dict[str, int]:
    with db.read() as conn:
        rows = conn.execute(sa.select(subscriber.c.email, subscriber.c.id)).all()
    return {email: int(id_) for email, id_ in rows}


async def join(site: PublicSite, email: str) -> dict[str, str]:
    """Subscribe and confirm ``email``; the unsubscribe and preferences paths of its mail."""
    assert (await site.subscribe(email=email)).status_code == 303
    mail = site.mailbox.to(email)[-1]
    confirmed = await site.client.post(confirm_path(mail))
    assert confirmed.status_code == 200
    pages = unescape(confirmed.text) + str(mail["List-Unsubscribe"])
    found = {path.split("/")[1]: path for path in LINK.findall(pages)}
    assert set(found) == {"u", "preferences"}, found
    return found


async def assert_dead(site: PublicSite, links: dict[str, str]) -> None:
    """Every use of the links is the invalid-link page, and changes nothing."""
    settings, leave = links["preferences"], links["u"]
    for method, path, data in (
        ("GET", settings, {}),
        ("POST", settings, {"name": "Mallory"}),
        ("POST", settings, {"action": "pause"}),
        ("POST", f"{settings}/export", {}),
        ("GET", f"{settings}/erase", {}),
        ("POST", f"{settings}/erase", {"confirm": "yes"}),
        ("GET", leave, {}),
    ):
        answer = await site.client.request(method, path, data=data)
        assert answer.status_code == 404, (method, path, answer.status_code)
        assert INVALID in answer.text
        assert "@example.org" not in answer.text
    # RFC 8058 one-click for someone gone is answered "done" (a mail client may retry); it
    # acts on nobody and links nowhere
    click = await site.client.post(leave, data={"List-Unsubscribe": "One-Click"})
    assert "/preferences/" not in click.text


def test_an_erased_persons_links_never_reach_the_next_signup(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            alice = await join(site, "alice@example.org")
            alice_id = ids(public_db)["alice@example.org"]
            erased = await site.client.post(
                alice["preferences"] + "/erase", data={"confirm": "yes"}
            )
            assert erased.status_code == 200
            clock.advance(minutes=5)
            await join(site, "bob@example.org")
            assert ids(public_db)["bob@example.org"] > alice_id  # never alice's id again
            await assert_dead(site, alice)

    asyncio.run(scenario())
    record = people.show(public_db, "bob@example.org")
    assert (record["status"], record["name"]) == ("active", "")


def test_an_id_that_comes_back_does_not_bring_old_links_back(
    public_db: Database, db_url: str, clock: Clock
) -> None:
    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            alice = await join(site, "alice@example.org")
            alice_id = ids(public_db)["alice@example.org"]
            people.erase(public_db, "alice@example.org", now=clock())
            # as a restored backup or a hand-made copy could: carol gets alice's old id
            now = clock()
            with public_db.write() as conn:
                conn.execute(
                    sa.insert(subscriber).values(
                        id=alice_id,
                        email="carol@example.org",
                        email_key="carol@example.org",
                        status="active",
                        attributes={},
                        created_at=now,
                        updated_at=now,
                    )
                )
            await assert_dead(site, alice)

    asyncio.run(scenario())
    carol = people.show(public_db, "carol@example.org")
    assert (carol["status"], carol["name"]) == ("active", "")
