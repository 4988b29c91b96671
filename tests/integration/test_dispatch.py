"""Sending the sample issue to a scripted aiosmtpd server on 127.0.0.1:0, on both databases."""

from __future__ import annotations

import asyncio
import json
import re
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.core.campaigns import Campaign
from mailer.core.tokens import key_id_of
from mailer.db import Database
from tests.conftest import REPO, TEST_SECRET, Cli, copy_sample, sendable_text, settings_for
from tests.waiting import PATIENCE

SAMPLE = REPO / "campaigns" / "2026-12-digest"
PEOPLE = (
    "email,name,country,language,interests\n"
    "ok1@example.org,Нино,GE,ka,fatherhood\n"
    "ok2@example.org,Ana,RS,sr,\n"
    "gone@example.org,Gone,AZ,ru,\n"
    "busy@example.org,Busy,KG,ru,\n"
    "full@example.org,Full,BY,be,\n"
    "policy@example.org,Policy,MK,mk,\n"
)
SCRIPT = {  # local part: (stage, reply)
    "gone": ("rcpt", "550 5.1.1 No such user"),
    "busy": ("rcpt", "451 4.3.0 Try again later"),
    "full": ("data", "552 5.2.2 Mailbox full"),
    "policy": ("data", "554 5.7.1 Rejected by policy"),
}


class Scripted:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        stage, reply = SCRIPT.get(address.split("@")[0], ("", ""))
        if stage == "rcpt":
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        stage, reply = SCRIPT.get(envelope.rcpt_tos[0].split("@")[0], ("", ""))
        if stage == "data":
            return reply
        self.received.append(
            (str(envelope.mail_from), list(envelope.rcpt_tos), envelope.original_content or b"")
        )
        return "250 2.0.0 Queued"


def app_for(db_url: str, port: int) -> App:
    return App(
        settings_for(
            db_url,
            smtp_port=port,
            sender__domain="news.example.org",
            bounces__domain="bounces.example.org",
        )
    )


async def send_all(app: App, handler: Scripted) -> int:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    app = app_for(app.settings.database.url, port)
    relay = app.relay()
    dispatcher = app.dispatcher(relay)
    async with server:
        await asyncio.wait_for(dispatcher.run(asyncio.Event(), until_idle=True), timeout=PATIENCE)
        await relay.close()
    return dispatcher.sent


def test_outcomes_follow_the_table(cli: Cli, db: Database, db_url: str, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    app = app_for(db_url, 1)
    campaign = source.load_valid(SAMPLE)
    assert lifecycle.start(db, campaign, sendable_text(SAMPLE), now=app.clock()) == 6
    handler = Scripted()
    assert asyncio.run(send_all(app, handler)) == 2

    status = lifecycle.status(db, campaign.slug)
    assert status.counts == {
        "queued": 0,
        "sending": 0,
        "sent": 2,
        "deferred": 1,
        "failed": 2,
        "bounced": 1,
        "skipped": 0,
    }
    assert status.state == "sending"  # a deferred delivery is still open
    with db.read() as conn:
        rows = {
            email: (state, code, text)
            for email, state, code, text in conn.exec_driver_sql(
                "SELECT s.email, d.state, d.last_code, d.last_text FROM delivery d "
                "JOIN subscriber s ON s.id = d.subscriber_id"
            )
        }
    assert rows["gone@example.org"][:2] == ("bounced", 550)
    assert rows["busy@example.org"][:2] == ("deferred", 451)
    assert rows["full@example.org"][:2] == ("failed", 552)
    assert rows["policy@example.org"][0] == "failed"
    assert "policy" in rows["policy@example.org"][2]

    # the hard bounce is suppressed: the person is bounced and a re-import leaves them so
    gone = json.loads(cli("subscribers", "show", "gone@example.org", "--json").stdout)
    assert gone["status"] == "bounced"
    again = json.loads(
        cli("subscribers", "import", str(people), "--list", "members", "--json").stdout
    )
    assert again["suppressed"] == 1

    # what the relay received
    by_rcpt = {rcpt[0]: (mail_from, data) for mail_from, rcpt, data in handler.received}
    mail_from, data = by_rcpt["ok1@example.org"]
    kid = key_id_of(TEST_SECRET)  # the key's fingerprint names it in every token
    # the delivery, its recipient's link nonce, the signature
    assert re.fullmatch(
        rf"bounces\+{kid}\.d\d+\.[\w-]{{8}}\.[\w-]+@bounces\.example\.org", mail_from
    )
    assert len(mail_from.split("@")[0]) <= 64  # RFC 5321's limit for a local part
    message = message_from_bytes(data, policy=default_policy)
    assert re.fullmatch(r"<d\d+\.[\w-]{22}@news\.example\.org>", message["Message-ID"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith(f"<http://127.0.0.1:8000/u/{kid}.s")
    assert "mailto:" in message["List-Unsubscribe"]
    assert message["To"] == "Нино <ok1@example.org>"
    assert message["Subject"] == campaign.content["ka"].subject
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Нино" in html
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))


def test_send_wait_through_the_cli_then_status(cli: Cli, db: Database, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    every = ";".join(
        sorted({i for item in source.load_valid(SAMPLE).items for i in item.interests})
    )
    people.write_text(
        f"email,country,language,interests\na@example.org,GE,ka,{every}\nb@example.org,RS,sr,\n"
    )
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    cli.env["MAILER_PATHS__TEMPLATES"] = str(REPO / "templates")
    refused = cli("campaign", "send", str(SAMPLE))
    assert refused.exit_code == 1
    assert "not approved" in refused.stderr

    async def capture_and_send() -> Any:
        handler = Scripted()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
        cli.env["MAILER_SMTP__PORT"] = str(server.sockets[0].getsockname()[1])
        cli.env["MAILER_SMTP__HOST"] = "127.0.0.1"
        async with server:
            return handler, await asyncio.to_thread(
                cli, "campaign", "send", str(SAMPLE), "--wait", "--force"
            )

    handler, result = asyncio.run(capture_and_send())
    assert result.exit_code == 0, result.output
    assert "without approval (--force)" in result.stderr
    assert "2 deliveries queued" in result.stdout
    assert len(handler.received) == 2
    status = json.loads(cli("campaign", "status", "2026-12-digest", "--json").stdout)
    assert status == {
        "state": "sent",
        "total": 2,
        "queued": 0,
        "sending": 0,
        "sent": 2,
        "deferred": 0,
        "failed": 0,
        "bounced": 0,
        "skipped": 0,
    }
    late = cli("campaign", "pause", "2026-12-digest")
    assert late.exit_code == 2
    assert "is sent; pause works only when it is sending" in late.stderr


def test_test_copies_per_language_outside_the_ledger(cli: Cli, db: Database) -> None:
    cli.env["MAILER_PATHS__TEMPLATES"] = str(REPO / "templates")
    handler = Scripted()

    async def run() -> Any:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
        cli.env["MAILER_SMTP__PORT"] = str(server.sockets[0].getsockname()[1])
        cli.env["MAILER_SMTP__HOST"] = "127.0.0.1"
        command = (
            "campaign",
            "test",
            str(SAMPLE),
            "--to",
            "editor@example.org",
            "--to",
            "qa@example.org",
        )
        async with server:
            return await asyncio.to_thread(cli, *command)

    result = asyncio.run(run())
    assert result.exit_code == 0, result.output
    assert len(handler.received) == 10  # 2 addresses x en, ru, ka, sr, sr-Latn (transliterated)
    subjects = {
        message_from_bytes(data, policy=default_policy)["Subject"]
        for _, _, data in handler.received
    }
    campaign = source.load_valid(SAMPLE)
    assert subjects == {f"[TEST] {campaign.content[lang].subject}" for lang in campaign.languages}
    assert "no campaign" in cli("campaign", "status", "2026-12-digest").stderr


def sample_sent(
    cli: Cli, db: Database, db_url: str, tmp_path: Path, people_csv: str
) -> tuple[App, Campaign, Scripted]:
    """Imports ``people_csv`` into 'members', starts the sample issue and sends it to a
    scripted relay (see SCRIPT); returns the app, the issue and what the relay received."""
    people = tmp_path / "people.csv"
    people.write_text(people_csv)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    app = app_for(db_url, 1)
    campaign = source.load_valid(SAMPLE)
    lifecycle.start(db, campaign, sendable_text(SAMPLE), now=app.clock())
    relay = Scripted()
    asyncio.run(send_all(app, relay))
    return app, campaign, relay


def test_a_reader_of_many_long_named_items_gets_the_issue(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    """Item ids may be 80 characters long, and a variant is named by its language and every
    item id it shows: the ledger keeps a name of any length (it was cut at 255 on PostgreSQL,
    where the whole send then failed)."""
    folder = copy_sample(SAMPLE, tmp_path / "campaigns" / "2026-12-digest")
    text = (folder / "campaign.toml").read_text(encoding="utf-8")
    longer = re.sub(
        r'^id = "([a-z0-9-]+)"', lambda m: f'id = "{m[1]}-{"x" * 48}"', text, flags=re.M
    )
    (folder / "campaign.toml").write_text(longer, encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text(
        "email,name,country,language,interests\n"
        "every@example.org,Every,GE,ka,fatherhood;violence prevention;research;policy advocacy\n"
    )
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    app = app_for(db_url, 1)
    campaign = source.load_valid(folder)
    lifecycle.start(db, campaign, sendable_text(folder), now=app.clock())
    relay = Scripted()
    assert asyncio.run(send_all(app, relay)) == 1
    with db.read() as conn:
        variant = conn.exec_driver_sql("SELECT variant FROM delivery").scalar_one()
    assert len(variant) > 255
    assert variant.startswith("ka:webinar-engaging-boys-xxx")
    assert f"+research-brief-men-srh-{'x' * 48}+" in variant
