"""The scheduler service: catching up after a restart, firing live through APScheduler,
telling staff about a skipped occurrence by mail."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aiosmtpd.smtp import SMTP

from mailer.app import App
from mailer.campaigns.series_files import load_series
from mailer.db import Database
from mailer.db import occurrences as stored
from mailer.scheduler.service import SchedulerService
from tests.conftest import REPO, Cli, settings_for, table_count
from tests.integration.test_dispatch import Scripted
from tests.integration.test_occurrences import issue_folder, setup
from tests.waiting import PATIENCE, wait_until

DIGEST = load_series(REPO / "campaigns" / "digest.series.toml")
BELGRADE = ZoneInfo("Europe/Belgrade")


def service(db_url: str, campaigns: Path, now: datetime, **extra: str) -> SchedulerService:
    naive = now.astimezone(UTC).replace(tzinfo=None)
    settings = settings_for(db_url, paths__campaigns=str(campaigns), **extra)
    return SchedulerService(App(settings, clock=lambda: naive), [DIGEST])


def test_after_a_restart_an_occurrence_inside_its_deadline_is_sent_once(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    issue_folder(campaigns, "2026-12-digest", series="digest", period="2026-12", approved=True)
    restarted = datetime(2026, 12, 1, 11, 30, tzinfo=BELGRADE)  # 2.5 h after 09:00, deadline 6 h
    outcomes = asyncio.run(service(db_url, campaigns, restarted).catch_up())
    assert [(o.period, o.state, o.queued) for o in outcomes] == [("2026-12", "started", 6)]
    again = asyncio.run(service(db_url, campaigns, restarted + timedelta(minutes=1)).catch_up())
    assert again == []
    assert table_count(db, "delivery") == 6


def test_past_its_deadline_it_is_skipped_and_staff_are_told(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    issue_folder(campaigns, "2027-01-digest", series="digest", period="2027-01", approved=True)
    with db.write() as conn:  # the series ran before: December happened
        stored.claim(
            conn,
            series="digest",
            period_key="2026-12",
            state="started",
            planned_at=datetime(2026, 12, 1, 8),
            deadline_at=datetime(2026, 12, 1, 14),
            now=datetime(2026, 12, 1, 8),
        )
    handler = Scripted()

    async def main() -> list[object]:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
        port = str(server.sockets[0].getsockname()[1])
        down_all_day = datetime(2027, 1, 5, 20, 0, tzinfo=BELGRADE)  # 11 h after 09:00
        async with server:
            one = service(db_url, campaigns, down_all_day, smtp__port=port)
            return list(await one.catch_up())

    outcomes = asyncio.run(main())
    assert [(o.period, o.state) for o in outcomes] == [("2027-01", "skipped")]  # type: ignore[attr-defined]
    assert table_count(db, "delivery") == 0
    [(_, rcpts, data)] = handler.received
    assert rcpts == ["comms@example.org"]
    assert b"Subject: [mailer] digest 2027-01: skipped" in data
    assert b"Auto-Submitted: auto-generated" in data


def test_a_live_occurrence_fires_through_apscheduler(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    soon = datetime.now(UTC) + timedelta(seconds=2)
    daily = dataclasses.replace(
        DIGEST,
        rule="FREQ=DAILY",
        time=soon.time().replace(microsecond=0),
        timezone="UTC",
        notify=(),
    )
    period = f"{soon:%Y-%m-%d}"
    issue_folder(campaigns, f"{period}-daily", series="digest", period=period, approved=True)

    async def main() -> list[object]:
        one = SchedulerService(
            App(settings_for(db_url, paths__campaigns=str(campaigns))), [daily], poll_seconds=0.2
        )
        stop = asyncio.Event()
        running = asyncio.create_task(one.run(stop))
        await wait_until("the occurrence to fire", lambda: one.outcomes)
        stop.set()
        await asyncio.wait_for(running, timeout=PATIENCE)
        return list(one.outcomes)

    outcomes = asyncio.run(main())
    assert [(o.period, o.state) for o in outcomes] == [(period, "started")]  # type: ignore[attr-defined]
    assert table_count(db, "delivery") == 6
