"""SIGTERM semantics in-process: messages in flight finish, claimed but unsent ones go back."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiosmtpd.smtp import SMTP

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.db import Database
from tests.conftest import Cli, sendable_text, settings_for
from tests.integration.test_dispatch import PEOPLE, SAMPLE, Scripted
from tests.waiting import PATIENCE

ACCEPTING = PEOPLE.replace("gone@", "ok3@").replace("busy@", "ok4@").replace("full@", "ok5@")
ACCEPTING = ACCEPTING.replace("policy@", "ok6@")


def test_stopping_gives_back_what_was_not_handed_to_the_relay(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(ACCEPTING)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    campaign = source.load_valid(SAMPLE)
    start_app = App(settings_for(db_url))
    lifecycle.start(db, campaign, sendable_text(SAMPLE), now=start_app.clock())
    handler = Scripted()

    async def run(stop_after: float | None) -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        app = App(settings_for(db_url, smtp_port=port, sending__rate="2"))  # 2 a second
        relay = app.relay()
        stop = asyncio.Event()
        if stop_after is not None:
            loop.call_later(stop_after, stop.set)
        async with server:
            await asyncio.wait_for(
                app.dispatcher(relay).run(stop, until_idle=True), timeout=PATIENCE
            )
            await relay.close()

    asyncio.run(run(stop_after=1.2))  # about three messages go out, then it stops
    sent_first = len(handler.received)
    assert 1 <= sent_first < 6
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT state, attempts, lease_owner FROM delivery WHERE state <> 'sent'"
        ).all()
    assert len(rows) == 6 - sent_first
    assert {tuple(row) for row in rows} == {("queued", 0, None)}

    asyncio.run(run(stop_after=None))  # started again: the rest go out, nobody twice
    received = [rcpts[0] for _, rcpts, _ in handler.received]
    assert len(received) == 6
    assert len(set(received)) == 6
    assert lifecycle.status(db, campaign.slug).state == "sent"
