"""Bounces end to end: send-time rejections, the receiver, attribution, policy, next campaign."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import aiosmtplib
import pytest

from mailer.app import App
from mailer.bounces.receiver import Receiver
from mailer.bounces.simulate import delivery_report
from mailer.campaigns import lifecycle, source
from mailer.core.tokens import make_token
from mailer.db import Database
from mailer.smtp.inbound import deliver_null, start_inbound
from tests.conftest import TEST_SECRET, Cli, copy_sample, sendable_text, table_count
from tests.integration.test_dispatch import PEOPLE, SAMPLE, Scripted, app_for, sample_sent, send_all
from tests.waiting import PATIENCE

DOMAIN = "bounces.example.org"
THREE = (
    "email,name,country,language,interests\n"
    "ok1@example.org,One,GE,ka,\n"
    "ok2@example.org,Two,RS,sr,\n"
    "ok3@example.org,Three,AZ,ru,\n"
)


def events(cli: Cli, *args: str) -> dict[str, dict[str, object]]:
    result = cli("bounces", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return {row["recipient"]: row for row in map(json.loads, result.stdout.splitlines())}


def person(cli: Cli, email: str) -> dict[str, object]:
    return dict(json.loads(cli("subscribers", "show", email, "--json").stdout))


def test_rejections_at_send_time_are_bounce_events(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    app = app_for(db_url, 1)
    campaign = source.load_valid(SAMPLE)
    lifecycle.start(db, campaign, sendable_text(SAMPLE), now=app.clock())
    asyncio.run(send_all(app, Scripted()))

    seen = events(cli)
    assert set(seen) == {"gone@example.org", "full@example.org", "policy@example.org"}
    gone, full, policy = (seen[f"{k}@example.org"] for k in ("gone", "full", "policy"))
    assert (gone["kind"], gone["status"], gone["source"], gone["action"]) == (
        "hard",
        "5.1.1",
        "smtp",
        "suppressed",
    )
    assert (full["kind"], full["status"], full["action"]) == ("soft", "5.2.2", "score 0.5")
    assert policy["kind"] == "hard"
    assert "address kept" in str(policy["action"])
    assert gone["campaign"] == campaign.slug

    assert person(cli, "policy@example.org")["status"] == "active"
    shown = person(cli, "full@example.org")
    assert (shown["status"], shown["bounce_score"]) == ("active", 0.5)
    assert [b["kind"] for b in shown["bounces"]] == ["soft"]  # type: ignore[attr-defined]
    assert "5.2.2 via smtp: score 0.5" in cli("subscribers", "show", "full@example.org").stdout

    assert set(events(cli, "--kind", "soft")) == {"full@example.org"}
    assert events(cli, "--since", "2099-01-01") == {}
    reset = cli("bounces", "reset", "full@example.org")
    assert "was 0.5" in reset.stdout
    assert person(cli, "full@example.org")["bounce_score"] == 0
    assert cli("bounces", "reset", "nobody@example.org").exit_code != 0


async def send_null(port: int, recipient: str, data: bytes) -> str:
    """Delivers ``data`` from the null sender, as an MTA returns a bounce; the final reply."""
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=PATIENCE)
    await client.connect()
    try:
        await client.mail("")
        await client.rcpt(recipient)
        return (await client.data(data)).message
    finally:
        client.close()


async def _returned(app: App, reports: list[tuple[str, bytes]]) -> list[str]:
    """Sends each (Return-Path, DSN) to a receiver on 127.0.0.1:0; returns the replies."""
    receiver = Receiver(app.bounce_ingest(), DOMAIN, per_peer_per_minute=0)
    server = await start_inbound(
        receiver.rules(), "127.0.0.1", 0, hostname=DOMAIN, max_bytes=1024 * 1024
    )
    port = server.sockets[0].getsockname()[1]
    replies = []
    async with server:
        for return_path, report in reports:
            replies.append(await send_null(port, return_path, report))
    return replies


def test_a_returned_message_suppresses_and_the_next_campaign_skips(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    app, campaign, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    sent = {rcpts[0]: (mail_from, data) for mail_from, rcpts, data in relay.received}

    later = app.clock() + timedelta(hours=1)
    reports = [
        (
            sent[rcpt][0],
            delivery_report(
                sent[rcpt][1],
                return_path=sent[rcpt][0],
                recipient=rcpt,
                status=status,
                diagnostic=text,
                date=later,
            ),
        )
        for rcpt, status, text in (
            ("ok1@example.org", "5.1.1", "550 5.1.1 <ok1@example.org>: User unknown"),
            ("ok2@example.org", "5.2.2", "552 5.2.2 <ok2@example.org>: Mailbox full"),
        )
    ]
    replies = asyncio.run(_returned(app, reports))
    assert all(reply.startswith("2.0.0") for reply in replies), replies

    seen = events(cli)
    assert seen["ok1@example.org"]["attributed_by"] == "token"
    assert seen["ok1@example.org"]["source"] == "receiver"
    assert (person(cli, "ok1@example.org")["status"], person(cli, "ok2@example.org")["status"]) == (
        "bounced",
        "active",
    )
    assert person(cli, "ok2@example.org")["bounce_score"] == 0.5
    counts = lifecycle.status(db, campaign.slug).counts
    assert (counts["sent"], counts["bounced"]) == (2, 1)

    # the address is suppressed: a re-import does not bring it back, the next issue skips it
    again = json.loads(
        cli(
            "subscribers", "import", str(tmp_path / "people.csv"), "--list", "members", "--json"
        ).stdout
    )
    assert again["suppressed"] == 1
    following = tmp_path / "2027-01-digest"
    copy_sample(SAMPLE, following)
    next_issue = source.load_valid(following)
    assert lifecycle.start(db, next_issue, "next", now=app.clock()) == 2


def test_attribution_by_message_id_then_address_and_forged_tokens_ignored(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    app, campaign, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    sent = {rcpts[0]: data for _, rcpts, data in relay.received}
    ingest = app.bounce_ingest()
    forged = f"bounces+k1.d1.{'A' * 43}@{DOMAIN}"

    # a forged token in the headers is ignored; our Message-ID in the quoted headers names it
    by_id = delivery_report(
        sent["ok1@example.org"],
        return_path=forged,
        recipient="ok1@example.org",
        status="5.1.1",
        diagnostic="550 5.1.1 unknown",
        date=app.clock(),
    )
    assert ingest.message(by_id, source="imap").recorded
    # no token, no Message-ID of ours: the failed address among recent deliveries
    by_address = delivery_report(
        b"Subject: hi\r\n\r\n",
        return_path=forged,
        recipient="OK3@example.org",
        status="5.2.2",
        diagnostic="552 5.2.2 full",
        date=app.clock(),
    )
    assert ingest.message(by_address, source="pop3").recorded
    # a stranger who names nobody we know: recorded without the raw message, changes nothing
    stranger = delivery_report(
        b"Subject: hi\r\n\r\n",
        return_path=forged,
        recipient="who@elsewhere.example",
        status="5.1.1",
        diagnostic="550 5.1.1 unknown",
        date=app.clock(),
    )
    assert ingest.message(stranger, source="imap").recorded
    # not a bounce at all: nothing is recorded
    assert not ingest.message(
        b"From: a@b.example\r\nSubject: hello\r\n\r\nhi\r\n", source="imap"
    ).recorded

    seen = events(cli)
    assert seen["ok1@example.org"]["attributed_by"] == "message-id"
    assert seen["ok1@example.org"]["campaign"] == campaign.slug
    assert (seen["ok3@example.org"]["attributed_by"], seen["ok3@example.org"]["kind"]) == (
        "address",
        "soft",
    )
    assert seen["who@elsewhere.example"]["attributed_by"] == "none"
    assert person(cli, "ok1@example.org")["status"] == "bounced"
    assert table_count(db, "bounce_event") == 3
    with db.read() as conn:
        kept = dict(
            conn.exec_driver_sql("SELECT recipient, raw IS NOT NULL FROM bounce_event").all()
        )
    assert kept == {
        "ok1@example.org": True,
        "ok3@example.org": True,
        "who@elsewhere.example": False,
    }


def test_a_guessed_message_id_attributes_nothing(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    """Message-IDs were ``<d<delivery>.c<campaign>@…>``: anyone could write a bounce quoting
    one and suppress its recipient. Now they carry an HMAC of the delivery id, and only a
    Message-ID of that form, stored on the delivery, attributes a report."""
    app, _, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    sent = {rcpts[0]: message_from_bytes(data)["Message-ID"] for _, rcpts, data in relay.received}
    with db.read() as conn:
        query = (
            "SELECT s.email, d.id, d.campaign_id FROM delivery d "
            "JOIN subscriber s ON s.id = d.subscriber_id"
        )
        ids = {email: (d, c) for email, d, c in conn.exec_driver_sql(query).all()}
    (one, campaign_id), (two, _) = ids["ok1@example.org"], ids["ok2@example.org"]
    assert re.fullmatch(
        rf"<d{one}\.[A-Za-z0-9_-]{{22}}@news\.example\.org>", sent["ok1@example.org"]
    )
    assert sent["ok1@example.org"] != sent["ok2@example.org"].replace(f"<d{two}.", f"<d{one}.")

    def forged(message_id: str) -> bytes:
        quoted = f"Message-ID: {message_id}\r\nSubject: hi\r\n\r\nhi\r\n".encode()
        return delivery_report(
            quoted,
            return_path=f"bounces@{DOMAIN}",
            recipient="who@elsewhere.example",
            status="5.1.1",
            diagnostic="550 5.1.1 unknown",
            date=app.clock(),
        )

    ingest = app.bounce_ingest()
    for guess in (
        f"<d{one}.c{campaign_id}@news.example.org>",
        f"<d{one}.{'A' * 22}@news.example.org>",
    ):
        ingest.message(forged(guess), source="imap")
    # a delivery sent before the upgrade keeps its old, guessable Message-ID: not trusted
    legacy = f"<d{two}.c{campaign_id}@news.example.org>"
    with db.write() as conn:
        conn.exec_driver_sql(f"UPDATE delivery SET message_id = '{legacy}' WHERE id = {two}")
    ingest.message(forged(legacy), source="imap")

    assert person(cli, "ok1@example.org")["status"] == "active"
    assert person(cli, "ok2@example.org")["status"] == "active"
    assert {row["attributed_by"] for row in events(cli).values()} == {"none"}


async def _dialogue(receiver: Receiver, max_bytes: int) -> dict[str, object]:
    server = await start_inbound(
        receiver.rules(), "127.0.0.1", 0, hostname=DOMAIN, max_bytes=max_bytes
    )
    port = server.sockets[0].getsockname()[1]
    valid = f"bounces+{make_token(TEST_SECRET, 'bounce', 'd1')}@{DOMAIN}"
    out: dict[str, object] = {}
    async with server:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=PATIENCE)
        await client.connect()
        await client.mail("")
        for name, address in (
            ("plain", f"postmaster@{DOMAIN}"),
            ("forged", f"bounces+k1.d1.{'A' * 43}@{DOMAIN}"),
            ("foreign", "bounces+x@other.example"),
            ("valid", valid),
        ):
            try:
                out[name] = (await client.rcpt(address)).code
            except aiosmtplib.SMTPRecipientRefused as exc:
                out[name] = exc.code
        try:
            await client.data(b"Subject: x\r\n\r\n" + (b"x" * 78 + b"\r\n") * (max_bytes // 80 + 2))
        except aiosmtplib.SMTPResponseException as exc:
            out["oversize"] = exc.code
        await client.quit()
        deep = b"".join(
            f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n'.encode()
            for i in range(30)
        )
        try:
            await send_null(port, valid, deep)
        except aiosmtplib.SMTPResponseException as exc:
            out["deep"] = exc.code
        _, out["not_bounce"] = await aiosmtplib.send(
            b"From: x@y.example\r\nSubject: hello\r\n\r\nhello\r\n",
            sender="x@y.example",
            recipients=[valid],
            hostname="127.0.0.1",
            port=port,
        )
    return out


def test_the_receiver_refuses_what_is_not_ours(db: Database, db_url: str) -> None:
    app = app_for(db_url, 1)
    receiver = Receiver(app.bounce_ingest(), DOMAIN, per_peer_per_minute=0)
    out = asyncio.run(_dialogue(receiver, max_bytes=4096))
    assert (out["plain"], out["forged"], out["foreign"], out["valid"]) == (550, 550, 550, 250)
    assert out["oversize"] == 552
    assert out["deep"] == 554
    assert str(out["not_bounce"]).startswith("2.0.0")
    assert table_count(db, "bounce_event") == 0


@pytest.mark.parametrize("per_minute", [6])
def test_a_flooding_peer_is_slowed_down(db: Database, db_url: str, per_minute: int) -> None:
    app = app_for(db_url, 1)
    receiver = Receiver(app.bounce_ingest(), DOMAIN, per_peer_per_minute=per_minute)

    async def flood() -> list[int]:
        server = await start_inbound(
            receiver.rules(), "127.0.0.1", 0, hostname=DOMAIN, max_bytes=4096
        )
        port = server.sockets[0].getsockname()[1]
        codes = []
        async with server:
            client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=PATIENCE)
            await client.connect()
            for _ in range(4):
                try:
                    codes.append((await client.mail("")).code)
                    await client.rset()
                except aiosmtplib.SMTPSenderRefused as exc:
                    codes.append(exc.code)
            await client.quit()
        return codes

    assert asyncio.run(flood()) == [250, 450, 450, 450]


def test_the_list_unsubscribe_mailto_address_unsubscribes(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    app, _campaign, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    data = next(data for _, rcpts, data in relay.received if rcpts == ["ok2@example.org"])
    header = message_from_bytes(data)["List-Unsubscribe"]
    mailto = re.search(r"<mailto:([^>]+)>", header).group(1)  # type: ignore[union-attr]
    assert mailto.startswith("unsubscribe+")
    assert mailto.endswith(f"@{DOMAIN}")

    async def twice() -> list[str]:
        receiver = app.bounce_receiver()
        server = await start_inbound(
            receiver.rules(), "127.0.0.1", 0, hostname=DOMAIN, max_bytes=65536
        )
        port = server.sockets[0].getsockname()[1]
        async with server:
            mail = b"From: ok2@example.org\r\nSubject: unsubscribe\r\n\r\n\r\n"
            return [await deliver_null("127.0.0.1", port, mailto, mail) for _ in range(2)]

    assert asyncio.run(twice()) == ["250 2.0.0 Unsubscribed"] * 2
    shown = person(cli, "ok2@example.org")
    assert [item["status"] for item in shown["lists"]] == ["unsubscribed"]  # type: ignore[attr-defined]
    assert person(cli, "ok1@example.org")["lists"][0]["status"] == "active"  # type: ignore[index]
    assert table_count(db, "bounce_event") == 0
