"""`mailer bounces fetch` end to end: a real IMAP/POP3 server, our bounces taken, the rest left."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailer.bounces.simulate import delivery_report
from mailer.db import Database
from tests.conftest import Cli
from tests.integration.test_bounce_flow import THREE, events, person
from tests.integration.test_dispatch import sample_sent
from tests.mailstore_servers import ImapServer, Mailstore, Pop3Server

VACATION = (
    b"From: ok2@example.org\r\nTo: news@news.example.org\r\nSubject: Out of office\r\n"
    b"Auto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n"
)
LETTER = b"From: partner@example.net\r\nSubject: Question about the digest\r\n\r\nHello!\r\n"


@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_fetch_takes_our_bounces_and_leaves_other_mail(
    cli: Cli, db: Database, db_url: str, tmp_path: Path, protocol: str
) -> None:
    app, _campaign, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    mail_from, _, data = next(r for r in relay.received if r[1] == ["ok1@example.org"])

    store = Mailstore()
    store.add(LETTER)
    store.add(
        delivery_report(
            data,
            return_path=mail_from,
            recipient="ok1@example.org",
            status="5.1.1",
            diagnostic="550 5.1.1 User unknown",
            date=app.clock(),
        )
    )
    store.add(VACATION)
    server = ImapServer(store) if protocol == "imap" else Pop3Server(store)
    with server:
        settings = {
            "protocol": protocol,
            "host": "127.0.0.1",
            "port": str(server.port),
            "security": "none",
            "username": "bounces",
            "password": "s3cret-pass",
            "timeout": "5",
        }
        flags = [f"--set=bounce_mailbox.{key}={value}" for key, value in settings.items()]
        result = cli(*flags, "bounces", "fetch")
        assert result.exit_code == 0, result.output
        again = cli(*flags, "bounces", "fetch")
    assert "3 looked at, 1 recorded and removed, 2 left alone" in result.stdout
    assert "2 looked at, 0 recorded and removed, 2 left alone" in again.stdout
    assert store.raws() == [LETTER, VACATION]
    seen = events(cli)
    assert list(seen) == ["ok1@example.org"]
    assert (seen["ok1@example.org"]["source"], seen["ok1@example.org"]["attributed_by"]) == (
        protocol,
        "token",
    )
    assert person(cli, "ok1@example.org")["status"] == "bounced"


def test_fetch_without_a_mailbox_says_what_to_set(cli: Cli) -> None:
    result = cli("bounces", "fetch")
    assert result.exit_code == 2
    assert "bounce_mailbox.protocol" in result.output
