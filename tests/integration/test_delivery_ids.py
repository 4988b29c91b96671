"""Delivery tokens (VERP return path, ``unsubscribe+`` mailto) never reach another delivery.

An erased person's deliveries go with them; SQLite then gave the next issue's deliveries
their ids again, and a late bounce to the erased person's VERP address suppressed whoever
got the id. Ids are never reused now, and a delivery token names the recipient's link nonce.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import aiosmtplib
import sqlalchemy as sa

from mailer.bounces.simulate import delivery_report
from mailer.campaigns import lifecycle, source
from mailer.db import Database
from mailer.db.schema import delivery
from mailer.smtp.inbound import deliver_null, start_inbound
from mailer.subscriptions import people
from tests.conftest import Cli, copy_sample
from tests.integration.test_dispatch import SAMPLE, Scripted, sample_sent, send_all

DOMAIN = "bounces.example.org"
THREE = (
    "email,name,country,language,interests\n"
    "ok1@example.org,One,GE,ka,\n"
    "ok2@example.org,Two,RS,sr,\n"
    "ok3@example.org,Three,AZ,ru,\n"
)


def delivery_ids(db: Database) -> set[int]:
    with db.read() as conn:
        return {int(i) for i in conn.execute(sa.select(delivery.c.id)).scalars()}


def standing(cli: Cli, email: str) -> tuple[str, list[str]]:
    shown = json.loads(cli("subscribers", "show", email, "--json").stdout)
    return shown["status"], [item["status"] for item in shown["lists"]]


def test_an_erased_persons_delivery_tokens_never_reach_the_next_issue(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    app, _, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    verp = {rcpts[0]: mail_from for mail_from, rcpts, _ in relay.received}
    mailto = {
        rcpts[0]: re.search(rb"<mailto:([^>]+)>", data)[1].decode()  # type: ignore[index]
        for _, rcpts, data in relay.received
    }
    first = delivery_ids(db)
    people.erase(db, "ok3@example.org", now=app.clock())  # the highest ids were theirs
    kept = delivery_ids(db)
    (tmp_path / "more.csv").write_text("email,name\nok4@example.org,Four\n")
    assert (
        cli("subscribers", "import", str(tmp_path / "more.csv"), "--list", "members").exit_code == 0
    )
    following = tmp_path / "2027-01-digest"
    copy_sample(SAMPLE, following)
    lifecycle.start(db, source.load_valid(following), "next", now=app.clock())
    asyncio.run(send_all(app, Scripted()))
    new = delivery_ids(db) - kept
    assert len(new) == 3
    assert min(new) > max(first)  # never an id the erased person's mail carried

    # a late hard bounce to the erased person's VERP address, and their unsubscribe+ mail
    token = verp["ok3@example.org"].removeprefix("bounces+").split("@")[0]
    report = delivery_report(
        b"Subject: hi\r\n\r\n",
        return_path=verp["ok3@example.org"],
        recipient="ok3@example.org",
        status="5.1.1",
        diagnostic="550 5.1.1 unknown",
        date=app.clock(),
    )
    app.bounce_ingest().message(report, source="receiver", envelope_token=token)

    async def leave() -> str:
        receiver = app.bounce_receiver()
        server = await start_inbound(
            receiver.rules(), "127.0.0.1", 0, hostname=DOMAIN, max_bytes=65536
        )
        port = server.sockets[0].getsockname()[1]
        async with server:
            mail = b"From: ok3@example.org\r\nSubject: unsubscribe\r\n\r\n\r\n"
            try:
                return await deliver_null("127.0.0.1", port, mailto["ok3@example.org"], mail)
            except aiosmtplib.SMTPRecipientRefused as exc:  # the address names no delivery
                return str(exc)

    asyncio.run(leave())
    for email in ("ok1@example.org", "ok2@example.org", "ok4@example.org"):
        assert standing(cli, email) == ("active", ["active"]), email
