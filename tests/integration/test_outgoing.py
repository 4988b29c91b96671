"""The one message builder: a preview is the message a subscriber gets, but for what names them."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.campaigns.preview import preview_recipient
from mailer.core.delivery import Action
from mailer.core.subscribers import email_key
from mailer.db import Database
from mailer.db.subscribers import find_recipient
from mailer.dispatch.transactional import Addressee
from tests.conftest import Cli, sendable_text, settings_for
from tests.integration.test_dispatch import PEOPLE, SAMPLE, Scripted

THEN = datetime(2026, 12, 1, 9, 0)
LINK = re.compile(r"/(u|preferences)/[A-Za-z0-9._-]+")
# what names the message or the person: a preview's links and ids name nobody
PERSONAL = {"message-id", "list-unsubscribe", "feedback-id", "content-type", "dkim-signature"}


def parsed(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def parts(message: EmailMessage) -> list[str]:
    """The text and HTML parts as a reader sees them, personal links cut to their path."""
    return [LINK.sub(r"/\1/…", str(part.get_content())) for part in message.iter_parts()]


def test_a_preview_is_the_delivered_message_but_for_personal_headers(
    cli: Cli, db: Database, db_url: str, tmp_path: Path, key_file: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    campaign = source.load_valid(SAMPLE)
    lifecycle.start(db, campaign, sendable_text(SAMPLE), now=THEN)
    handler = Scripted()

    async def send() -> App:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
        settings = settings_for(
            db_url,
            smtp_port=server.sockets[0].getsockname()[1],
            sender__domain="news.example.org",
            bounces__domain="bounces.example.org",
            dkim__selector="news2026",
            dkim__domain="example.org",
            dkim__private_key_file=str(key_file),
        )
        app = App(settings, clock=lambda: THEN)
        async with server:
            await app.send_until_idle()
        return app

    app = asyncio.run(send())
    delivered = parsed(next(data for _, to, data in handler.received if to == ["ok1@example.org"]))
    with db.read() as conn:
        person = find_recipient(conn, email_key("ok1@example.org"))
    assert person is not None
    _, files = preview_recipient(
        app.composer(campaign),
        tmp_path / "preview",
        person,
        builder=app.message_builder,
        default_sender=app.settings.sender.from_,
        now=app.clock(),
    )
    preview = parsed(next(f for f in files if f.suffix == ".eml").read_bytes())

    shared = {name.lower() for name in delivered} - PERSONAL
    assert shared >= {"from", "to", "subject", "date", "list-id", "content-language"}
    assert {name: str(preview[name]) for name in shared} == {
        name: str(delivered[name]) for name in shared
    }
    assert parts(preview) == parts(delivered)
    assert "DKIM-Signature" not in preview  # shown or saved, never sent: not signed
    assert "/u/" in str(delivered["List-Unsubscribe"])


class Counting(Scripted):
    """Counts the sessions that ended with QUIT."""

    def __init__(self) -> None:
        super().__init__()
        self.quits = 0

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.quits += 1
        return "221 Bye"


def test_system_mail_keeps_no_connection_between_messages(db_url: str) -> None:
    """One pool for the app's system mail, but every message's connection is closed after it:
    a web process holds no SMTP connection between two signups."""
    handler = Counting()

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        app = App(settings_for(db_url, smtp_port=port), clock=lambda: THEN)
        async with server:
            for number in (1, 2):
                to = Addressee(number, f"p{number}@example.org", "en", ("members",), "nonce")
                outcome = await app.transactional_mail().send("confirm", to, now=THEN)
                assert outcome.action == Action.SENT
                assert handler.quits == number  # closed before the next one is sent
        app.close()

    asyncio.run(scenario())
    assert [to for _, to, _ in handler.received] == [["p1@example.org"], ["p2@example.org"]]
