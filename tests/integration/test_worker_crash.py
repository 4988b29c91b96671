"""A `mailer worker` process killed with SIGKILL mid-campaign, then started again: everyone gets
the issue, and duplicates are at most the messages in flight at the kill (from the server's log)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from mailer.campaigns import lifecycle, source
from mailer.db import Database
from tests.conftest import REPO, TEST_SECRET, Cli, sendable_text
from tests.scripted_smtp import ScriptedSmtp
from tests.waiting import PATIENCE, wait_until

pytestmark = [pytest.mark.subprocess]

SAMPLE = REPO / "campaigns" / "2026-12-digest"
RECIPIENTS = 60
CONCURRENCY = 2


def in_flight(db: Database) -> int:
    with db.read() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM delivery WHERE state = 'sending'"
            ).scalar_one()
        )


def test_sigkill_mid_campaign_then_restart(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    emails = [f"member{i:03d}@example.org" for i in range(RECIPIENTS)]
    people = tmp_path / "people.csv"
    people.write_text("email,country,language\n" + "".join(f"{e},RS,sr\n" for e in emails))
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    lifecycle.start(db, source.load_valid(SAMPLE), sendable_text(SAMPLE), now=datetime.now())
    # a third of the way through the relay stops answering: the kill lands mid-campaign
    server = ScriptedSmtp(hold_after=RECIPIENTS // 3)
    killed_at: list[int] = []
    held: list[int] = []  # deliveries claimed and not settled when the worker died

    async def main() -> None:
        port = await server.start()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MAILER_")},
            "MAILER_DATABASE__URL": db_url,
            "MAILER_SECRETS__KEY": TEST_SECRET,
            "MAILER_SMTP__HOST": "127.0.0.1",
            "MAILER_SMTP__PORT": str(port),
            "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
            "MAILER_SENDING__CONCURRENCY": str(CONCURRENCY),
            "MAILER_SENDING__BATCH_SIZE": "4",
            "MAILER_SENDING__LEASE_SECONDS": "2",
        }

        async def worker() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "mailer",
                "worker",
                env=env,
                cwd=tmp_path,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )

        first = await worker()
        await wait_until("a third of the messages", lambda: len(server.accepted) >= RECIPIENTS // 3)
        await wait_until("the worker to hold messages in flight", lambda: in_flight(db) > 0)
        first.send_signal(signal.SIGSTOP)  # frozen: it can neither send nor record more
        held.append(await asyncio.to_thread(in_flight, db))
        first.send_signal(signal.SIGKILL)
        await first.wait()
        killed_at.append(len(server.accepted))
        server.released.set()
        second = await worker()  # the dead worker's leases expire after 2 s
        await wait_until(
            "the campaign to be sent",
            lambda: lifecycle.status(db, "2026-12-digest").state == "sent",
        )
        second.send_signal(signal.SIGTERM)  # lets messages in flight finish, then exits
        _, stderr = await asyncio.wait_for(second.communicate(), timeout=PATIENCE)
        assert second.returncode == 0, stderr.decode()
        await server.stop()

    asyncio.run(main())
    assert killed_at == [RECIPIENTS // 3]
    status = lifecycle.status(db, "2026-12-digest")
    assert status.state == "sent"
    assert status.counts["sent"] == RECIPIENTS
    received = Counter(rcpt for rcpt, _ in server.accepted)
    assert set(received) == set(emails)  # nobody missed
    duplicates = sum(n - 1 for n in received.values())
    # only messages in flight at the kill (claimed, not recorded as sent) can repeat
    assert duplicates <= held[0]
    # a repeat carries the same Message-ID, so the receiving side can tell
    by_rcpt = {rcpt: {mid for r, mid in server.accepted if r == rcpt} for rcpt in received}
    assert all(len(ids) == 1 for ids in by_rcpt.values())
