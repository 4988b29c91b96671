"""Hostile returned mail: forged tokens, warnings, auto-replies, huge, deep or broken messages.

Through the real inbound SMTP receiver (aiosmtpd on 127.0.0.1, port 0) and ``mailer bounces
parse``. Already proven elsewhere (see docs/hostile-inputs.md): forged and foreign VERP
addresses refused at RCPT, a 30-level multipart refused with 554
(tests/integration/test_bounce_flow.py::test_the_receiver_refuses_what_is_not_ours), a forged
token in the headers ignored
(…::test_attribution_by_message_id_then_address_and_forged_tokens_ignored),
delayed DSNs and auto-replies classified (tests/integration/test_bounce_parse.py) and scoring
nothing (tests/unit/test_bounce_policy.py::test_delayed_and_auto_replies_change_nothing).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiosmtplib
import pytest

from mailer.bounces.receiver import Receiver
from mailer.bounces.simulate import delivery_report
from mailer.core.tokens import make_token
from mailer.db import Database
from mailer.smtp.inbound import start_inbound
from tests.conftest import REPO, TEST_SECRET, Cli, table_count
from tests.integration.test_bounce_flow import DOMAIN, THREE, events, person
from tests.integration.test_dispatch import app_for, sample_sent
from tests.waiting import PATIENCE

SAMPLES = REPO / "tests" / "data" / "bounces"


def nested_messages(depth: int) -> bytes:
    """A message inside a message, ``depth`` times (no ``boundary=`` to count)."""
    return b"".join(b"Content-Type: message/rfc822\r\n\r\n" for _ in range(depth)) + b"x\r\n"


DEEP_MESSAGE = nested_messages(1000)  # deep enough to exhaust the parser's recursion
DEEP_MULTIPART = b"".join(
    f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n'.encode()
    for i in range(1000)
)


async def offer(port: int, recipient: str, data: bytes) -> tuple[int, str]:
    """One message from the null sender, as an MTA returns a bounce: the final reply."""
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=PATIENCE)
    await client.connect()
    try:
        await client.mail("")
        await client.rcpt(recipient)
        reply = await client.data(data)
        return reply.code, reply.message
    except aiosmtplib.SMTPResponseException as exc:
        return exc.code, exc.message
    finally:
        client.close()


def through_receiver(
    receiver: Receiver, messages: list[tuple[str, bytes]], max_bytes: int
) -> list[tuple[int, str]]:
    async def run() -> list[tuple[int, str]]:
        server = await start_inbound(
            receiver.rules(), "127.0.0.1", 0, hostname=DOMAIN, max_bytes=max_bytes
        )
        port = server.sockets[0].getsockname()[1]
        async with server:
            return [await offer(port, rcpt, data) for rcpt, data in messages]

    return asyncio.run(run())


def verp(subject: str, key: str = TEST_SECRET, purpose: str = "bounce") -> str:
    return f"bounces+{make_token(key, purpose, subject)}@{DOMAIN}"


@pytest.mark.parametrize(
    "address",
    [
        verp("d1", key="another-secret-key-0123456789abcdef"),  # signed with a key we do not hold
        verp("d1", purpose="unsubscribe"),  # a genuine token of another purpose
        verp("s1"),  # genuine, but names a subscriber, not a delivery
        verp("d1").replace(".", ".x", 1),  # tampered
        verp("d1").upper().replace(DOMAIN.upper(), DOMAIN),  # signature in other case
        f"bounces+@{DOMAIN}",
        f"bounces+{'A' * 5000}@{DOMAIN}",
    ],
    ids=["other-key", "other-purpose", "not-a-delivery", "tampered", "case", "empty", "huge"],
)
def test_forged_verp_tokens_are_refused_at_rcpt(db: Database, db_url: str, address: str) -> None:
    receiver = Receiver(app_for(db_url, 1).bounce_ingest(), DOMAIN, per_peer_per_minute=0)
    ((code, _),) = through_receiver(receiver, [(address, b"Subject: x\r\n\r\nx\r\n")], 65536)
    assert code in (550, 500, 501)  # 500/501: aiosmtpd refuses an over-long command line
    assert table_count(db, "bounce_event") == 0


def test_the_size_cap_refuses_a_message_just_over_it_and_the_receiver_goes_on(
    db: Database, db_url: str
) -> None:
    cap = 64 * 1024
    receiver = Receiver(app_for(db_url, 1).bounce_ingest(), DOMAIN, per_peer_per_minute=0)
    line = b"x" * 78 + b"\r\n"
    head = b"From: MAILER-DAEMON@mx.example.net\r\nSubject: hi\r\n\r\n"
    under = head + line * ((cap - len(head)) // len(line) - 1)
    over = head + line * ((cap - len(head)) // len(line) + 1)
    assert len(under) < cap < len(over) < cap + 2 * len(line)
    replies = through_receiver(
        receiver, [(verp("d1"), over), (verp("d1"), under), (verp("d1"), over)], cap
    )
    assert [code for code, _ in replies] == [552, 250, 552]
    assert "Too much mail data" in replies[0][1]


@pytest.mark.parametrize("data", [DEEP_MESSAGE, DEEP_MULTIPART], ids=["rfc822", "multipart"])
def test_a_deeply_nested_message_is_refused_unread(db: Database, db_url: str, data: bytes) -> None:
    receiver = Receiver(app_for(db_url, 1).bounce_ingest(), DOMAIN, per_peer_per_minute=0)
    ((code, message),) = through_receiver(receiver, [(verp("d1"), data)], 1 << 20)
    assert code == 554  # permanent: the sender does not retry it for days
    assert "more than 20 multipart levels or parts (bounces.max_mime_depth)" in message
    assert table_count(db, "bounce_event") == 0


def test_warnings_auto_replies_and_broken_bytes_from_real_deliveries(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    app, _campaign, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    sent = {rcpts[0]: (mail_from, data) for mail_from, rcpts, data in relay.received}
    when = app.clock()

    def report(who: str, **fields: str) -> tuple[str, bytes]:
        return_path, original = sent[who]
        return return_path, delivery_report(
            original, return_path=return_path, recipient=who, date=when, **fields
        )  # type: ignore[arg-type]

    delayed = report(
        "ok1@example.org",
        status="4.4.1",
        action="delayed",
        diagnostic="451 4.4.1 connection timed out, will retry",
    )
    vacation_to, _ = sent["ok2@example.org"]
    vacation = (
        f"From: ok2@example.org\r\nTo: {vacation_to}\r\nSubject: Automatic reply: December\r\n"
        "Auto-Submitted: auto-replied\r\n\r\nI am away until January.\r\n"
    ).encode()
    broken_to, broken = report(
        "ok3@example.org", status="5.1.1", diagnostic="550 5.1.1 unknown user"
    )
    # bytes that are not UTF-8 in the failed address and in the diagnostic
    broken = broken.replace(b"rfc822; ok3@example.org", b"rfc822; ok3\xff\xfe@example.org")
    broken = broken.replace(b"550 5.1.1 unknown user", b"550 5.1.1 unkn\xc3\x28own \xff user")
    receiver = Receiver(app.bounce_ingest(), DOMAIN, per_peer_per_minute=0)
    replies = through_receiver(
        receiver, [delayed, (vacation_to, vacation), (broken_to, broken)], 1 << 20
    )
    assert [code for code, _ in replies] == [250, 250, 250]

    seen = {row["kind"]: row for row in events(cli).values()}
    assert set(seen) == {"delayed", "auto_reply", "hard"}
    assert seen["delayed"]["recipient"] == "ok1@example.org"
    for who in ("ok1@example.org", "ok2@example.org"):  # a warning and an auto-reply: no score
        assert (person(cli, who)["status"], person(cli, who)["bounce_score"]) == ("active", 0)
    # the token named the delivery: the broken report still reaches the right person
    assert seen["hard"]["attributed_by"] == "token"
    assert "\ufffd" in str(seen["hard"]["recipient"])  # undecodable bytes shown, not crashed on
    assert person(cli, "ok3@example.org")["status"] == "bounced"


def test_bounces_parse_applies_the_same_caps_and_survives_broken_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cap = 4096
    sample = (SAMPLES / "postfix_hard.eml").read_bytes()
    files = {
        "big.eml": sample + b"x" * (cap + 1 - len(sample)),  # one byte over the cap
        "fits.eml": sample,
        "deep.eml": nested_messages(100),
        "bytes.eml": sample.replace(b"ana@example.net", b"an\xffa@example.net").replace(
            b"Subject:", b"Subject: caf\xe9 \xff"
        ),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert len(files["big.eml"]) == cap + 1
    assert len(files["fits.eml"]) < cap
    cli = Cli({"MAILER_SECRETS__KEY": TEST_SECRET, "MAILER_CONFIG": ""})
    result = cli("--set", f"bounces.max_message_bytes={cap}", "bounces", "parse", *files, "--json")
    assert result.exit_code == 0, result.output
    out = {row["file"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert out["big.eml"]["error"] == (
        f"message of {cap + 1} bytes is over the {cap} byte cap (bounces.max_message_bytes)"
    )
    assert out["fits.eml"]["kind"] == "hard"
    assert "more than 20 multipart levels" in out["deep.eml"]["error"]
    assert (out["bytes.eml"]["kind"], out["bytes.eml"]["status"]) == ("hard", "5.1.1")
    assert "error" not in out["bytes.eml"]
