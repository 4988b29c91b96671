"""Processes killed and a database restarted mid-campaign: nobody missed, duplicates at most
the messages in flight (counted from the sink's Message-IDs), every process back at work."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from mailer.db import Database
from tests import private_postgres
from tests.chaos.busy_sqlite import import_while_sending
from tests.chaos.crashes import postgres_restart, worker_kills
from tests.chaos.scheduler_kills import scheduler_kills
from tests.private_postgres import PrivatePostgres

pytestmark = [pytest.mark.chaos, pytest.mark.subprocess]

KILLS = 4
RECIPIENTS = 500  # CI size: the property at 10,000 is benchmarks/chaos.py's
CONCURRENCY = 2


@pytest.mark.postgres
def test_workers_sigkilled_at_random_miss_nobody(postgres_url: str, tmp_path: Path) -> None:
    run = asyncio.run(
        worker_kills(
            postgres_url, tmp_path, recipients=RECIPIENTS, kills=KILLS, concurrency=CONCURRENCY
        )
    )
    assert run.detail["state"] == "sent", run.logs
    assert run.missed == 0
    assert run.sent == RECIPIENTS
    # only what a killed worker held (claimed, not recorded) can go out twice
    assert run.duplicates <= run.bound <= KILLS * CONCURRENCY
    assert run.detail["exit_codes"] == [0, 0], run.logs


@pytest.mark.postgres
@pytest.mark.skipif(not private_postgres.available(), reason="needs Debian's PostgreSQL server")
def test_postgresql_restarted_mid_send_workers_reconnect(
    private_postgres_url: tuple[str, PrivatePostgres], tmp_path: Path
) -> None:
    url, server = private_postgres_url
    run = asyncio.run(
        postgres_restart(
            url, tmp_path, recipients=RECIPIENTS, restart=lambda: asyncio.to_thread(server.restart)
        )
    )
    assert run.detail["workers_alive_after"] == [2], run.logs  # nobody died of it
    assert run.detail["state"] == "sent", run.logs
    assert run.missed == 0
    assert run.sent == RECIPIENTS
    assert run.duplicates <= run.bound
    assert run.detail["exit_codes"] == [0, 0], run.logs


def test_sqlite_import_while_sending_never_says_locked(tmp_path: Path) -> None:
    run = asyncio.run(import_while_sending(tmp_path, recipients=RECIPIENTS, rows=3000))
    found = run.detail
    assert found["locked_messages"] == 0, run.logs
    assert found["import_exit"] == 0, run.logs
    assert found["imported"] == 3000
    assert found["status_checks"] > 0
    assert found["status_failures"] == 0, run.logs
    assert found["received_while_importing"] > 0  # the two did overlap
    assert found["state"] == "sent"
    assert run.missed == run.duplicates == 0
    assert found["worker_exit"] == 0, run.logs


def test_scheduler_killed_around_an_occurrence_sends_once(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    run = asyncio.run(scheduler_kills(db_url, tmp_path, recipients=100))
    found = run.detail
    assert found["kills"][1].startswith("after claim"), found
    assert found["occurrences"] == 1
    assert found["occurrence_state"] == "started"
    assert found["campaigns"] == 1
    assert found["deliveries"] == 100
    assert run.missed == run.duplicates == 0  # everyone exactly once
    assert all(code == 0 for code in found["exit_codes"]), run.logs
