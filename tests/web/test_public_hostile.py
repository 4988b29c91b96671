"""Hostile input on the subscribe form at its default limits: floods from one IP, one address
50 times, 321-character addresses, line breaks and encoded words typed into fields."""

from __future__ import annotations

import asyncio
from collections import Counter
from email import message_from_string

from mailer.db import Database
from tests.conftest import table_count
from tests.web.conftest import Clock, public_site


def test_a_flood_from_one_ip_is_cut_at_the_limit(public_db: Database, db_url: str) -> None:
    async def scenario() -> Counter[int]:
        async with public_site(db_url, Clock()) as site:
            answers = [
                (await site.subscribe(ip="198.51.100.7", email=f"bot{i}@example.org")).status_code
                for i in range(50)
            ]
            return Counter(answers)

    answers = asyncio.run(scenario())
    assert answers == {303: 20, 429: 30}  # web.subscribe_per_ip = 20 an hour
    assert table_count(public_db, "subscriber") == 20


def test_one_address_fifty_times_gets_one_mail(public_db: Database, db_url: str) -> None:
    async def scenario() -> tuple[Counter[int], int]:
        async with public_site(db_url, Clock()) as site:
            answers = [
                (await site.subscribe(ip=f"203.0.113.{i}", email="victim@example.org")).status_code
                for i in range(50)
            ]
            return Counter(answers), len(site.mailbox.to("victim@example.org"))

    answers, mails = asyncio.run(scenario())
    assert answers == {303: 5, 429: 45}  # web.subscribe_per_address = 5 an hour
    assert mails == 1  # and at most one confirmation mail a day in any case
    assert table_count(public_db, "subscriber") == 1


def test_overlong_and_broken_addresses_are_refused_at_the_field(
    public_db: Database, db_url: str
) -> None:
    long_address = "a" * 64 + "@" + ".".join(["b" * 63] * 4)[:252] + ".org"
    assert len(long_address) == 321
    bad = [long_address, "ana@example.org\r\nBcc: all@example.org", "ana@exa\x00mple.org"]

    async def scenario() -> list[tuple[int, bool]]:
        async with public_site(db_url, Clock()) as site:
            found = []
            for address in bad:
                response = await site.subscribe(email=address)
                found.append((response.status_code, 'id="email-error"' in response.text))
            return found

    assert asyncio.run(scenario()) == [(422, True)] * 3
    assert table_count(public_db, "subscriber") == 0


def test_line_breaks_and_encoded_words_in_the_name_reach_no_header(
    public_db: Database, db_url: str
) -> None:
    async def scenario() -> tuple[int, int, list[str]]:
        async with public_site(db_url, Clock()) as site:
            broken = await site.subscribe(email="ana@example.org", name="Ana\r\nBcc: all@x.org")
            tricky = await site.subscribe(
                email="bob@example.org", name="=?utf-8?q?Bob=0D=0ABcc:_all@x.org?="
            )
            return broken.status_code, tricky.status_code, [str(m) for m in site.mailbox.messages]

    broken, tricky, messages = asyncio.run(scenario())
    assert broken == 422  # a line break in a name is refused at the field
    assert tricky == 303  # an encoded word is only text: stored as typed, never in the mail
    [message] = messages
    assert "bob@example.org" in message
    # no header was made ("Bcc" alone may occur inside a random token, "Bcc:" never can)
    assert "Bcc:" not in message
    assert "bcc" not in {name.lower() for name in message_from_string(message)}
    assert "=?utf-8?q?Bob" not in message
    with public_db.read() as conn:
        names = conn.exec_driver_sql("SELECT email, name FROM subscriber").all()
    assert [tuple(row) for row in names] == [
        ("bob@example.org", "=?utf-8?q?Bob=0D=0ABcc:_all@x.org?=")
    ]
