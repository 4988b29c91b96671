"""Forged bounces and complaints: a VERP token vouches for its own delivery's subscriber only.

Anyone who received one issue holds a real VERP address (their own). A report sent to it that
names other people, and every report matched by address alone, is recorded unverified: staff
see it (``bounces list``, the staff UI) and may apply it; by itself it changes nobody.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from mailer.bounces.simulate import returned_headers
from mailer.db import Database
from tests.conftest import Cli, table_count
from tests.integration.test_bounce_flow import THREE, _returned, events, person
from tests.integration.test_dispatch import sample_sent


def report_naming(return_path: str, recipients: list[str], original: bytes) -> bytes:
    """A DSN to ``return_path`` saying 550 5.1.1 for every one of ``recipients``."""
    blocks = "".join(
        f"Final-Recipient: rfc822; {r}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{r}>: User unknown\r\n\r\n"
        for r in recipients
    )
    return (
        "From: MAILER-DAEMON@mx.example.net\r\n"
        f"To: {return_path}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\r\n\r\n'
        "--R\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net"
        f"\r\n\r\n{blocks}--R\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"{returned_headers(original).decode()}\r\n--R--\r\n"
    ).encode()


def complaint_naming(return_path: str, recipient: str) -> bytes:
    """An ARF report to ``return_path`` naming only ``recipient`` as the complainant."""
    return (
        f"From: feedback@provider.example\r\nTo: {return_path}\r\nSubject: FW: digest\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=feedback-report; "
        'boundary="F"\r\n\r\n--F\r\nContent-Type: text/plain\r\n\r\nAn abuse report.\r\n'
        "--F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n"
        f"User-Agent: x/1\r\nVersion: 1\r\nOriginal-Rcpt-To: <{recipient}>\r\n\r\n--F--\r\n"
    ).encode()


def test_a_report_to_one_verp_address_changes_only_that_subscriber(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    app, _campaign, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    sent = {rcpts[0]: (mail_from, data) for mail_from, rcpts, data in relay.received}
    own_path, own_message = sent["ok1@example.org"]
    strangers = [f"someone{n}@example.net" for n in range(300)]
    named = ["ok1@example.org", "ok2@example.org", "OK3@example.org", *strangers]
    other_path = sent["ok2@example.org"][0]
    reports = [
        (own_path, report_naming(own_path, named, own_message)),
        # a complaint to ok2's address naming only ok3: nobody vouches for ok3
        (other_path, complaint_naming(other_path, "ok3@example.org")),
    ]
    replies = asyncio.run(_returned(app, reports))
    assert all(reply.startswith("2.0.0") for reply in replies), replies

    assert person(cli, "ok1@example.org")["status"] == "bounced"  # its own token: applied
    for other in ("ok2@example.org", "ok3@example.org"):
        shown = person(cli, other)
        assert (shown["status"], shown["bounce_score"]) == ("active", 0), other
        assert [item["status"] for item in shown["lists"]] == ["active"]  # type: ignore[attr-defined]
    assert table_count(db, "suppression") == 1

    seen = events(cli, "--limit", "1000")
    assert seen["ok1@example.org"]["verified"] is True
    assert seen["ok1@example.org"]["action"] == "suppressed"
    for address in ("ok2@example.org", "ok3@example.org"):
        assert seen[address]["verified"] is False, address
        assert "unverified" in str(seen[address]["action"]), address
    stranger = seen["someone7@example.net"]
    assert (stranger["verified"], stranger["action"]) == (False, "not attributed to a subscriber")
    assert seen["ok3@example.org"]["attributed_by"] == "address"
    listing = cli("bounces", "list", "--json", "--kind", "complaint").stdout
    complaint = [json.loads(line) for line in listing.splitlines()]
    assert [(c["recipient"], c["verified"]) for c in complaint] == [("ok3@example.org", False)]
    listed = cli("bounces", "list", "--kind", "complaint").stdout
    assert "unverified" in listed
    assert f"#{complaint[0]['id']} " in listed
    with db.read() as conn:  # the message is kept once, not once per name it lists
        kept = conn.exec_driver_sql("SELECT count(*) FROM bounce_event WHERE raw IS NOT NULL")
        assert kept.scalar_one() == 2


def test_address_only_reports_wait_for_staff_to_apply_them(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    app, _campaign, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    ingest = app.bounce_ingest()
    # the bounce mailbox: no token, no Message-ID of ours; the address matches ok2
    mailbox = report_naming("bounces@bounces.example.org", ["ok2@example.org"], b"Subject: x\r\n")
    assert ingest.message(mailbox, source="imap").recorded
    assert person(cli, "ok2@example.org")["status"] == "active"
    (row,) = [r for r in events(cli).values() if r["recipient"] == "ok2@example.org"]
    assert (row["verified"], row["applied_by"]) == (False, None)

    # our Message-ID counts only when it is exactly the one ok3's delivery carried
    data = next(data for _, rcpts, data in relay.received if rcpts == ["ok3@example.org"])
    message_id = data.split(b"Message-ID: ")[1].split(b"\r\n")[0]
    local, _, domain = message_id.partition(b"@")
    near = local[:-1] + (b"B" if local.endswith(b"A") else b"A") + b"@" + domain  # one letter off
    for quoted, verified in ((near, False), (message_id, True)):
        quoting = b"Message-ID: " + quoted + b"\r\nSubject: x\r\n"
        report = report_naming("b@bounces.example.org", ["ok3@example.org"], quoting)
        ingest.message(report, source="imap")
        latest = json.loads(cli("bounces", "list", "--json", "--limit", "1").stdout)
        assert latest["verified"] is verified, quoted
    assert person(cli, "ok3@example.org")["status"] == "bounced"

    applied = cli("bounces", "apply", str(row["id"]))
    assert applied.exit_code == 0, applied.output
    assert "suppressed" in applied.stdout
    assert person(cli, "ok2@example.org")["status"] == "bounced"
    after = events(cli)["ok2@example.org"]
    assert after["applied_by"] == "command line"
    assert "applied by command line" in str(after["action"])
    assert table_count(db, "suppression") == 2  # ok3 (its Message-ID) and ok2 (applied)

    again = cli("bounces", "apply", str(row["id"]))
    assert again.exit_code == 2
    assert "already applied" in again.output
    unknown = cli("bounces", "apply", "999999")
    assert (unknown.exit_code, "999999" in unknown.output) == (2, True)
    stranger = report_naming("bounces@bounces.example.org", ["who@elsewhere.example"], b"")
    ingest.message(stranger, source="imap")
    nobody = events(cli)["who@elsewhere.example"]
    refused = cli("bounces", "apply", str(nobody["id"]))
    assert refused.exit_code == 2
    assert "names no subscriber" in refused.output
