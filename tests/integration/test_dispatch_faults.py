"""Relays that fail: drops around the final dot, timeouts, 421 at connect, pause and resume,
two workers sharing a campaign. Scripted SMTP on 127.0.0.1:0, both databases, a fake clock."""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.db import Database
from mailer.dispatch.dispatcher import retry_while_db_down
from mailer.errors import DatabaseUnavailable, StorageError
from mailer.subscriptions.lists import add_list
from tests.conftest import REPO, Cli, sendable_text, settings_for
from tests.scripted_smtp import ScriptedSmtp
from tests.waiting import PATIENCE

SAMPLE = REPO / "campaigns" / "2026-12-digest"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0)

    def __call__(self) -> datetime:
        return self.now


def app_for(db_url: str, port: int, clock: Clock, **extra: str) -> App:
    # a timeout far above a loopback reply even on a busy machine; only `slow` reaches it
    return App(settings_for(db_url, smtp_port=port, smtp__timeout="3", **extra), clock=clock)


def start(cli: Cli, db: Database, tmp_path: Path, emails: list[str]) -> None:
    people = tmp_path / "people.csv"
    people.write_text("email,country,language\n" + "".join(f"{e},GE,ka\n" for e in emails))
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    campaign = source.load_valid(SAMPLE)
    lifecycle.start(db, campaign, sendable_text(SAMPLE), now=datetime(2026, 12, 1))


async def run(app: App) -> int:
    relay = app.relay()
    dispatcher = app.dispatcher(relay)
    try:
        await asyncio.wait_for(dispatcher.run(asyncio.Event(), until_idle=True), timeout=PATIENCE)
    finally:
        await relay.close()
    return dispatcher.sent


def states(db: Database) -> dict[str, tuple[str, str]]:
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.email, d.state, d.last_text FROM delivery d "
            "JOIN subscriber s ON s.id = d.subscriber_id"
        ).all()
    return {email: (state, text or "") for email, state, text in rows}


def test_drops_timeouts_and_452_are_deferred(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    emails = [
        "ok@example.org",
        "drop-before@example.org",
        "drop-after@example.org",
        "slow@example.org",
        "busy452@example.org",
    ]
    start(cli, db, tmp_path, emails)
    server = ScriptedSmtp()

    async def main() -> int:
        port = await server.start()
        try:
            return await run(app_for(db_url, port, Clock()))
        finally:
            await server.stop()

    assert asyncio.run(main()) == 1
    found = states(db)
    assert found["ok@example.org"][0] == "sent"
    during = ("deferred", "connection lost during DATA (the relay may have it)")
    assert found["drop-before@example.org"] == during
    assert found["drop-after@example.org"] == during
    assert found["slow@example.org"] == during  # the reply to the dot never came
    assert server.dot_seen.count("drop-after@example.org") == 1  # the only possible duplicate
    assert found["busy452@example.org"][0] == "deferred"
    assert "452" in found["busy452@example.org"][1]
    assert lifecycle.status(db, "2026-12-digest").state == "sending"


def test_421_at_connect_slows_down_and_fails_nobody(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    emails = [f"member{i}@example.org" for i in range(6)]
    start(cli, db, tmp_path, emails)
    server = ScriptedSmtp(greeting="421 4.7.0 Too many connections")
    clock = Clock()

    async def main() -> tuple[int, int]:
        port = await server.start()
        try:
            first = await run(app_for(db_url, port, clock))
            server.greeting = "220 scripted ESMTP"  # the relay recovers
            clock.now += timedelta(hours=1)  # past every backoff
            return first, await run(app_for(db_url, port, clock))
        finally:
            await server.stop()

    first, second = asyncio.run(main())
    assert first == 0
    assert second == 6
    status = lifecycle.status(db, "2026-12-digest")
    assert status.counts["failed"] == 0
    assert status.state == "sent"
    assert sorted(rcpt for rcpt, _ in server.accepted) == sorted(emails)


def test_pause_mid_campaign_then_resume_sends_everyone_once(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    emails = [f"member{i}@example.org" for i in range(12)]
    start(cli, db, tmp_path, emails)
    server = ScriptedSmtp()
    clock = Clock()
    server.on_accept = lambda n: n == 3 and lifecycle.pause(db, "2026-12-digest", now=clock.now)

    async def main() -> int:
        port = await server.start()
        try:
            app = app_for(db_url, port, clock, sending__batch_size="2", sending__concurrency="1")
            await run(app)
            paused = lifecycle.status(db, "2026-12-digest")
            assert paused.state == "paused"
            assert 3 <= paused.counts["sent"] < 12
            assert paused.counts["queued"] > 0
            lifecycle.resume(db, "2026-12-digest", now=clock.now)
            return await run(app)
        finally:
            await server.stop()

    asyncio.run(main())
    assert lifecycle.status(db, "2026-12-digest").state == "sent"
    assert Counter(rcpt for rcpt, _ in server.accepted) == Counter(emails)


def test_two_workers_share_a_campaign_without_duplicates(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    emails = [f"member{i}@example.org" for i in range(40)]
    start(cli, db, tmp_path, emails)
    server = ScriptedSmtp()

    async def main() -> tuple[int, int]:
        port = await server.start()
        try:
            one = app_for(db_url, port, Clock(), sending__batch_size="5")
            two = app_for(db_url, port, Clock(), sending__batch_size="5")
            # distinct worker names, as two processes would have
            first = one.dispatcher(one.relay(), name="-a")
            second = two.dispatcher(two.relay(), name="-b")
            await asyncio.gather(
                first.run(asyncio.Event(), until_idle=True),
                second.run(asyncio.Event(), until_idle=True),
            )
            await first.relay.close()
            await second.relay.close()
            return first.sent, second.sent
        finally:
            await server.stop()

    first, second = asyncio.run(main())
    assert first + second == 40
    assert first > 0
    assert second > 0
    assert Counter(rcpt for rcpt, _ in server.accepted) == Counter(emails)
    message_ids = [mid for _, mid in server.accepted]
    assert len(set(message_ids)) == 40


def test_failover_to_the_healthy_relay_and_weights(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    emails = [f"member{i}@example.org" for i in range(30)]
    start(cli, db, tmp_path, emails)
    throttled = ScriptedSmtp(greeting="421 4.7.0 Too many connections")
    healthy = ScriptedSmtp()

    async def main() -> int:
        bad, good = await throttled.start(), await healthy.start()
        relays = f"127.0.0.1:{bad}*5, 127.0.0.1:{good}*1"
        try:
            return await run(app_for(db_url, 1, Clock(), smtp__relays=relays))
        finally:
            await throttled.stop()
            await healthy.stop()

    assert asyncio.run(main()) == 30
    assert throttled.accepted == []
    assert len(healthy.accepted) == 30
    assert throttled.connections >= 1  # it was tried, then left to cool off
    status = lifecycle.status(db, "2026-12-digest")
    assert status.state == "sent"
    assert status.counts["deferred"] == 0


def test_weights_share_the_load() -> None:
    settings = settings_for(smtp__relays="a.example.org:25*3, b.example.org:587")
    assert settings.smtp.relay_list() == [("a.example.org", 25, 3.0), ("b.example.org", 587, 1.0)]
    pool = App(settings).relay()
    first = Counter(pool.order(0.0)[0].relay.settings.host for _ in range(2000))
    assert 1300 < first["a.example.org"] < 1700  # about 3 in 4


def test_a_message_that_cannot_be_composed_fails_its_rows_not_the_worker(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    start(cli, db, tmp_path, ["a@example.org", "b@example.org"])
    broken = tmp_path / "templates"
    shutil.copytree(REPO / "templates", broken)
    (broken / "newsletter.mjml.j2").write_text(
        "<mjml><mj-body>{{ recipient.nmae }}</mj-body></mjml>"
    )
    server = ScriptedSmtp()

    async def main() -> int:
        port = await server.start()
        try:
            return await run(app_for(db_url, port, Clock(), paths__templates=str(broken)))
        finally:
            await server.stop()

    assert asyncio.run(main()) == 0
    found = states(db)
    assert {state for state, _ in found.values()} == {"failed"}
    assert all(
        "cannot compose the message" in text and "nmae" in text for _, text in found.values()
    )
    assert lifecycle.status(db, "2026-12-digest").state == "sent"  # nothing left open


def test_a_write_the_database_refuses_is_not_tried_again_as_if_it_were_down(
    db: Database,
) -> None:
    """Only an unreachable or busy database is waited out. A write it refuses (here a second
    list of one name; before migration 0017, a variant name past 255 characters) fails at
    once with its reason, not after a worker has logged "database unavailable" for minutes."""
    add_list(db, "members", now=datetime(2026, 12, 1))
    calls: list[int] = []
    stop = asyncio.Event()

    def same_name_again() -> None:
        calls.append(1)
        if len(calls) > 1:
            stop.set()  # the old code tried again; let it give up at its second try
        with db.write() as conn:
            conn.execute(
                sa.text("INSERT INTO list (name, description, created_at) VALUES (:n, '', :at)"),
                {"n": "members", "at": datetime(2026, 12, 2)},
            )

    async def attempt() -> None:
        await retry_while_db_down(same_name_again, stop, PATIENCE)

    with pytest.raises(StorageError) as refused:
        asyncio.run(attempt())
    assert not isinstance(refused.value, DatabaseUnavailable)
    assert "unique" in str(refused.value).lower()
    assert len(calls) == 1
