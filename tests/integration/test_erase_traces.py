"""Erasing a person leaves no plaintext trace of the address: not in events, raw reports, logs.

The suppression list keeps a salted hash; a later report naming the address is matched against
it and stored without the address. Logs name addresses only by a short keyed hash.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from mailer.cli.logs import JsonLines
from mailer.core.privacy import address_tag
from mailer.db import Database
from mailer.db.schema import metadata
from tests.conftest import TEST_SECRET, Cli
from tests.integration.test_bounce_flow import THREE, _returned, events
from tests.integration.test_bounce_review import report_naming
from tests.integration.test_dispatch import sample_sent
from tests.web.test_api_auth import Api, token_for

GONE = ("ok2@example.org", "ok3@example.org")


def traces(db: Database, *addresses: str) -> list[str]:
    """Where any of ``addresses`` appears, case-insensitively, in any column of any table."""
    wanted = [a.casefold() for a in addresses]
    found = []
    with db.read() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", errors="replace")
                    text = json.dumps(value) if isinstance(value, dict | list) else str(value)
                    hits = [a for a in wanted if a in text.casefold()]
                    found += [f"{table.name}.{column}: {hit}" for hit in hits]
    return found


def encoded_report(return_path: str, recipient: str, also: str) -> bytes:
    """A DSN for ``recipient`` whose notice (base64, as Exchange sends it) names ``also``."""
    notice = base64.b64encode(f"Delivery to <{also.upper()}> and {recipient} failed.".encode())
    return (
        f"From: MAILER-DAEMON@mx.example.net\r\nTo: {return_path}\r\nSubject: Undeliverable\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
        'boundary="E"\r\n\r\n--E\r\nContent-Type: text/plain; charset=utf-8\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{notice.decode()}\r\n"
        "--E\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.2.2\r\n\r\n--E--\r\n"
    ).encode()


def test_erase_leaves_no_trace_and_later_reports_are_stored_without_the_address(
    cli: Cli, db: Database, db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, _campaign, relay = sample_sent(cli, db, db_url, tmp_path, THREE)
    sent = {rcpts[0]: (mail_from, data) for mail_from, rcpts, data in relay.received}
    path1, original1 = sent["ok1@example.org"]
    before = [
        # ok1's own report, which also names ok2 and ok3 (their events, and ok1's raw, quote them)
        (path1, report_naming(path1, ["ok1@example.org", *GONE], original1)),
        # a report for ok1 whose base64 notice quotes ok3
        (path1, encoded_report(path1, "ok1@example.org", "ok3@example.org")),
    ]
    with caplog.at_level(logging.INFO, logger="mailer.bounces"):
        asyncio.run(_returned(app, before))
    assert len(traces(db, *GONE)) > 3  # events, diagnostics and raw messages name them

    assert cli("subscribers", "erase", "ok3@example.org", "--yes").exit_code == 0
    api = Api(app, token_for(app, "subscribers:write"))
    assert api("DELETE", "/api/v1/subscribers/OK2@example.org").status_code == 200
    assert traces(db, *GONE) == []
    seen = events(cli)
    assert seen["ok1@example.org"]["verified"] is True  # ok1's own events stay
    with db.read() as conn:
        raws = conn.exec_driver_sql("SELECT count(*) FROM bounce_event WHERE raw IS NOT NULL")
        assert raws.scalar_one() == 0  # both reports quoted an erased address

    # later reports naming them: matched against the salted hash, stored without the address
    after = [
        (path1, report_naming(path1, ["ok1@example.org", "ok3@example.org"], original1)),
        (path1, report_naming(path1, ["OK2@example.org"], original1)),
    ]
    with caplog.at_level(logging.INFO, logger="mailer.bounces"):
        asyncio.run(_returned(app, after))
    mailbox = report_naming("bounces@bounces.example.org", ["ok3@example.org"], b"")
    assert app.bounce_ingest().message(mailbox, source="imap").recorded
    assert traces(db, *GONE) == []
    erased = [row for row in events(cli, "--limit", "100").values() if "erased" in row["recipient"]]
    assert erased
    assert {row["attributed_by"] for row in erased} == {"erased"}
    assert all(row["verified"] is False for row in erased)

    # the service log names addresses by a short keyed hash only
    logged = caplog.text.casefold()
    assert not [a for a in (*GONE, "ok1@example.org") if a in logged], caplog.text
    assert address_tag(TEST_SECRET, "ok1@example.org") in caplog.text


def test_log_lines_carry_keyed_hashes_instead_of_addresses() -> None:
    formatter = JsonLines(key=TEST_SECRET)
    try:
        raise ValueError("550 5.1.1 <Alice@Example.org>: User unknown")
    except ValueError:
        error = sys.exc_info()
    record = logging.LogRecord(
        "mailer.x",
        logging.WARNING,
        __file__,
        1,
        "not sent to %s: %s",
        ("bob@example.net", "x"),
        error,
    )
    record.to = "carol@example.com"
    line = formatter.format(record)
    assert "@example" not in line.casefold(), line
    entry = json.loads(line)
    assert entry["message"] == f"not sent to {address_tag(TEST_SECRET, 'bob@example.net')}: x"
    assert entry["to"] == address_tag(TEST_SECRET, "carol@example.com")
    assert address_tag(TEST_SECRET, "alice@example.org") in entry["error"]
    assert "Traceback" in entry["error"]  # kept, with the address replaced
    assert address_tag(TEST_SECRET, "ALICE@example.org") == address_tag(
        TEST_SECRET, "alice@example.org"
    )
