"""SQLite under two writers: `mailer subscribers import` of a large file while `mailer worker`
sends a campaign, and staff asking `mailer campaign status` meanwhile. SQLite has one writer
at a time; every write transaction starts with BEGIN IMMEDIATE and waits (busy_timeout), so
nobody should ever be told "database is locked".
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from mailer.db import Database
from tests.chaos.faulty_sink import FaultySink
from tests.chaos.harness import (
    SLUG,
    Figures,
    Mailer,
    campaign_state,
    counts,
    import_people,
    locked_lines,
    missed_and_duplicates,
    process_env,
    received_at_least,
    scalar,
    start_sample,
    wait_until,
    write_people,
)


async def import_while_sending(
    tmp_path: Path, *, recipients: int, rows: int, limit: float = 240.0
) -> Figures:
    """Imports ``rows`` new people into another list while ``recipients`` receive an issue."""
    began = time.monotonic()
    db_url = f"sqlite:///{tmp_path / 'mailer.db'}"
    database = Database(db_url)
    database.ensure_schema()
    emails = write_people(tmp_path / "people.csv", recipients)
    import_people(database, tmp_path / "people.csv")
    write_people(tmp_path / "newcomers.csv", rows, prefix="newcomer")
    start_sample(database)
    sink = FaultySink(delay=0.002)
    port = await sink.start()
    env = process_env(db_url, port, sending__concurrency="4", sending__batch_size="50")
    worker = await Mailer.start(env, tmp_path, "worker", "worker")
    statuses: list[Mailer] = []
    try:
        await wait_until("the first messages", received_at_least(sink, 20), limit)
        before = len(sink.received)
        newcomers = str(tmp_path / "newcomers.csv")
        importing = await Mailer.start(
            env, tmp_path, "import", "subscribers", "import", newcomers, "--list", "newcomers"
        )
        while importing.process.returncode is None:  # staff look at the campaign meanwhile
            status = await Mailer.start(
                env, tmp_path, f"status{len(statuses)}", "campaign", "status", SLUG
            )
            await asyncio.wait_for(status.process.wait(), limit)
            statuses.append(status)
            await asyncio.sleep(0.2)
        import_code = await asyncio.wait_for(importing.process.wait(), limit)
        sent_during = len(sink.received) - before
        await wait_until(
            "the campaign to be sent", lambda: campaign_state(database) == "sent", limit
        )
    finally:
        worker_code = await worker.stop()
        await sink.stop()
    missed, duplicates = missed_and_duplicates(sink.received, emails)
    found = counts(database)
    outputs = [worker.output(), importing.output(), *(s.output() for s in statuses)]
    codes = [s.process.returncode for s in statuses]
    figures = Figures(
        "SQLite import + send",
        recipients,
        rows,
        missed,
        duplicates,
        0,
        time.monotonic() - began,
        found["sent"],
        detail={
            "state": campaign_state(database),
            "imported": scalar(
                database, "SELECT count(*) FROM subscriber WHERE email LIKE 'newcomer%'"
            ),
            "import_exit": import_code,
            "worker_exit": worker_code,
            "status_checks": len(statuses),
            "status_failures": sum(c != 0 for c in codes),
            "received_while_importing": sent_during,
            "locked_messages": sum(len(locked_lines(text)) for text in outputs),
        },
    )
    figures.logs = outputs
    database.dispose()
    return figures
