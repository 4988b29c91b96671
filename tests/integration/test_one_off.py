"""One-off campaigns (``send_at`` in campaign.toml, or scheduled by staff) go through the
occurrence path of series: sent once at their time, skipped past their deadline, missed and
reported when not approved."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.smtp import SMTP

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.db import Database
from mailer.db import occurrences as stored
from mailer.errors import Conflict, InvalidValue
from mailer.scheduler.service import SchedulerService
from tests.conftest import Cli, copy_sample, sendable_text, settings_for, table_count
from tests.integration.test_dispatch import SAMPLE, Scripted
from tests.integration.test_occurrences import setup
from tests.waiting import PATIENCE, wait_event, wait_until

BELGRADE = ZoneInfo("Europe/Belgrade")
SEND_AT = datetime(2026, 12, 10, 9, 0, tzinfo=BELGRADE)


def one_off_folder(
    root: Path, slug: str, *, send_at: str | None, approved: bool, extra: str = ""
) -> Path:
    folder = root / slug
    copy_sample(SAMPLE, folder)
    toml = folder / "campaign.toml"
    kept = [
        line
        for line in toml.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("series =", "period =", "approved =", "send_at =", "timezone ="))
    ]
    head = f"approved = {str(approved).lower()}\n" + extra
    if send_at:
        head += f'send_at = "{send_at}"\ntimezone = "Europe/Belgrade"\n'
    toml.write_text(head + "\n".join(kept) + "\n", encoding="utf-8")
    return folder


def service(db_url: str, campaigns: Path, now: datetime, **extra: str) -> SchedulerService:
    naive = now.astimezone(UTC).replace(tzinfo=None)
    settings = settings_for(db_url, paths__campaigns=str(campaigns), **extra)
    return SchedulerService(App(settings, clock=lambda: naive), [])


def test_a_one_off_goes_out_once_at_its_send_time(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    one_off_folder(campaigns, "launch", send_at="2026-12-10T09:00", approved=True)
    before = asyncio.run(service(db_url, campaigns, SEND_AT - timedelta(minutes=1)).catch_up())
    assert before == []
    outcomes = asyncio.run(service(db_url, campaigns, SEND_AT + timedelta(hours=1)).catch_up())
    assert [(o.series, o.period, o.state, o.queued) for o in outcomes] == [
        ("once:launch", "2026-12-10T09:00", "started", 6)
    ]
    again = asyncio.run(service(db_url, campaigns, SEND_AT + timedelta(hours=2)).catch_up())
    assert again == []
    assert table_count(db, "delivery") == 6
    with db.read() as conn:
        [row] = stored.history(conn, "once:launch", limit=5)
    assert row.planned_at == datetime(2026, 12, 10, 8, 0)  # 09:00 in Belgrade is 08:00 UTC


def test_not_approved_by_its_time_it_is_missed_and_staff_are_told(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    one_off_folder(
        campaigns,
        "launch",
        send_at="2026-12-10T09:00",
        approved=False,
        extra='notify = ["editor@example.org"]\ndeadline = "2h"\n',
    )
    handler = Scripted()

    async def main() -> list[object]:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
        port = str(server.sockets[0].getsockname()[1])
        async with server:
            late = service(db_url, campaigns, SEND_AT + timedelta(minutes=5), smtp__port=port)
            return list(await late.catch_up())

    outcomes = asyncio.run(main())
    assert [(o.state, o.detail) for o in outcomes] == [  # type: ignore[attr-defined]
        ("missed", "launch was not approved by its send time")
    ]
    assert table_count(db, "delivery") == 0
    [(_, rcpts, data)] = handler.received
    assert rcpts == ["editor@example.org"]
    assert b"Subject: [mailer] launch 2026-12-10T09:00: missed" in data


def test_past_its_deadline_a_one_off_is_skipped_and_a_sent_campaign_is_left_alone(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    one_off_folder(
        campaigns, "launch", send_at="2026-12-10T09:00", approved=True, extra='deadline = "2h"\n'
    )
    sent_by_hand = one_off_folder(campaigns, "old", send_at="2026-11-01T09:00", approved=True)
    issue = source.load_valid(sent_by_hand)
    lifecycle.start(db, issue, sendable_text(sent_by_hand), now=datetime(2026, 11, 1))
    outcomes = asyncio.run(service(db_url, campaigns, SEND_AT + timedelta(hours=3)).catch_up())
    assert [(o.series, o.state) for o in outcomes] == [("once:launch", "skipped")]
    assert table_count(db, "delivery") == 6  # only the campaign started by hand


def test_staff_approve_and_schedule_then_it_fires_at_the_stored_time(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    folder = one_off_folder(campaigns, "launch", send_at=None, approved=False)
    issue, text = source.load_valid(folder), sendable_text(folder)
    now = datetime(2026, 12, 1, 12, 0)
    at = datetime(2026, 12, 10, 8, 0)  # naive UTC
    with pytest.raises(Conflict, match="not approved"):
        lifecycle.schedule(db, issue, text, send_at=at, by="ana@example.org", now=now)
    assert lifecycle.approve(db, issue, text, by="ana@example.org", now=now) == "approved"
    with pytest.raises(InvalidValue, match="not in the future"):
        lifecycle.schedule(db, issue, text, send_at=now, by="ana@example.org", now=now)
    assert lifecycle.schedule(db, issue, text, send_at=at, by="ana@example.org", now=now) == (
        "scheduled"
    )
    assert lifecycle.status(db, "launch").state == "scheduled"
    outcomes = asyncio.run(service(db_url, campaigns, SEND_AT + timedelta(minutes=1)).catch_up())
    assert [(o.series, o.period, o.state) for o in outcomes] == [
        ("once:launch", "2026-12-10T08:00", "started")  # no timezone in the file: UTC
    ]
    assert lifecycle.status(db, "launch").state == "sending"
    with pytest.raises(Conflict, match="is sending"):
        lifecycle.approve(db, issue, text, by="ana@example.org", now=now)


def test_an_issue_changed_after_its_approval_is_not_sent(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    folder = one_off_folder(campaigns, "launch", send_at=None, approved=False)
    issue, text = source.load_valid(folder), sendable_text(folder)
    now = datetime(2026, 12, 1, 12, 0)
    lifecycle.approve(db, issue, text, by="ana@example.org", now=now)
    lifecycle.schedule(db, issue, text, send_at=datetime(2026, 12, 10, 8), by="ana", now=now)
    (folder / "campaign.toml").write_text(text.replace("December digest", "Changed digest"))
    outcomes = asyncio.run(service(db_url, campaigns, SEND_AT + timedelta(minutes=1)).catch_up())
    assert [o.state for o in outcomes] == ["missed"]
    assert table_count(db, "delivery") == 0


def test_unscheduled_it_does_not_fire(cli: Cli, db: Database, db_url: str, tmp_path: Path) -> None:
    campaigns = setup(cli, tmp_path)
    folder = one_off_folder(campaigns, "launch", send_at=None, approved=True)
    issue, text = source.load_valid(folder), sendable_text(folder)
    now = datetime(2026, 12, 1, 12, 0)
    lifecycle.schedule(db, issue, text, send_at=datetime(2026, 12, 10, 8), by="ana", now=now)
    assert lifecycle.unschedule(db, "launch", now=now) == "approved"
    outcomes = asyncio.run(service(db_url, campaigns, SEND_AT + timedelta(minutes=1)).catch_up())
    assert outcomes == []
    assert lifecycle.status(db, "launch").state == "approved"


def test_a_live_one_off_fires_through_apscheduler(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    folder = one_off_folder(campaigns, "launch", send_at=None, approved=True)
    issue, text = source.load_valid(folder), sendable_text(folder)
    now = datetime.now(UTC).replace(tzinfo=None)

    async def main() -> list[object]:
        app = App(settings_for(db_url, paths__campaigns=str(campaigns)))
        one = SchedulerService(app, [], poll_seconds=0.2)
        stop = asyncio.Event()
        running = asyncio.create_task(one.run(stop))
        await wait_event("the scheduler to lead", one.leading)
        assert one.outcomes == []  # nothing is due yet
        soon = now + timedelta(seconds=2)
        lifecycle.schedule(db, issue, text, send_at=soon, by="ana", now=now)  # while it runs
        await wait_until("the one-off to fire", lambda: one.outcomes)
        stop.set()
        await asyncio.wait_for(running, timeout=PATIENCE)
        return list(one.outcomes)

    outcomes = asyncio.run(main())
    assert [(o.series, o.state) for o in outcomes] == [("once:launch", "started")]  # type: ignore[attr-defined]
    assert table_count(db, "delivery") == 6


def test_schedule_list_shows_one_offs_with_their_outcome(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    one_off_folder(
        campaigns, "launch", send_at="2026-12-10T09:00", approved=False, extra='deadline = "90m"\n'
    )
    listed = cli("--set", f"paths.campaigns={campaigns}", "schedule", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[-2:] == [
        "one-off\tscheduled by\tdeadline\tsend at (local)\tsend at (UTC)\tlast outcome",
        "launch\tcampaign.toml\t1h30m\t2026-12-10T09:00 Europe/Belgrade\t2026-12-10T08:00:00Z\t-",
    ]
    asyncio.run(service(db_url, campaigns, SEND_AT + timedelta(minutes=1)).catch_up())
    after = cli("--set", f"paths.campaigns={campaigns}", "schedule", "list").output
    assert after.splitlines()[-1].endswith("missed: launch was not approved by its send time")
