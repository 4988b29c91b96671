"""Relays that misbehave, in-process: the faulty sink's mix, and a relay that throttles a while.

The dispatcher is ours, unmodified, in this process's loop; only the clock is fake, so retries
due in minutes or hours come round at once. Relay pauses and cool-offs (real seconds) are cut
to a fraction of a second through their fields.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from mailer.app import App
from mailer.db import Database
from mailer.dispatch.dispatcher import Dispatcher
from tests.chaos.faulty_sink import ISSUE_FAULTS, FaultySink
from tests.chaos.harness import (
    PATIENCE,
    Figures,
    campaign_state,
    counts,
    import_people,
    missed_and_duplicates,
    scalar,
    settings_for,
    start_sample,
    write_people,
)

START = datetime(2026, 12, 1, 8, 0)


class SteppedClock:
    """A clock the test moves: to the next retry when nothing else is due."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class FastClock:
    """Real time sped up ``speed`` times, so a retry an hour away comes in 3600/speed s."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.began = time.monotonic()

    def __call__(self) -> datetime:
        return START + timedelta(seconds=(time.monotonic() - self.began) * self.speed)


def quick(app: App, pause: tuple[float, ...]) -> Dispatcher:
    """The app's dispatcher on its relay pool, with relay pauses and cool-offs of ``pause``."""
    relay = app.relay()
    relay.cool_off = pause
    dispatcher = app.dispatcher(relay)
    dispatcher.settings = replace(dispatcher.settings, relay_pause=pause)
    return dispatcher


def next_due(database: Database) -> datetime | None:
    sql = "SELECT min(next_attempt_at) FROM delivery WHERE state IN ('queued', 'deferred')"
    found = scalar(database, sql)
    return datetime.fromisoformat(found) if isinstance(found, str) else found


async def faulty_relay(
    db_url: str, tmp_path: Path, *, recipients: int, seed: int = 1, rounds: int = 400
) -> Figures:
    """The issue's mix of faults on every connection and attempt, until the campaign is done."""
    began = time.monotonic()
    database = Database(db_url)
    emails = write_people(tmp_path / "people.csv", recipients)
    import_people(database, tmp_path / "people.csv")
    clock = SteppedClock()
    start_sample(database, clock.now)
    sink = FaultySink(ISSUE_FAULTS, seed=seed)
    port = await sink.start()
    app = App(settings_for(db_url, port, smtp__timeout="2"), clock=clock)
    dispatcher = quick(app, (0.0,))
    used = 0
    try:
        while used < rounds:  # bounded; each round sends whatever is due
            used += 1
            await asyncio.wait_for(dispatcher.run(asyncio.Event(), until_idle=True), 120)
            if campaign_state(database) == "sent":
                break
            due = next_due(database)
            if due is not None and due > clock.now:  # nothing due: on to the next retries
                clock.now = due + timedelta(minutes=2)
    finally:
        await dispatcher.relay.close()
        await sink.stop()
    unknown = [e for e in emails if sink.unknown(e)]
    deliverable = [e for e in emails if not sink.unknown(e)]
    missed, duplicates = missed_and_duplicates(sink.received, deliverable)
    found = counts(database)
    twice = {r for r, n in Counter(r for r, _ in sink.received).items() if n > 1}
    figures = Figures(
        "faulty relay",
        recipients,
        sum(sink.faults_seen.values()) + len(unknown),
        missed,
        duplicates,
        len(sink.after_dot_drops),
        time.monotonic() - began,
        found["sent"],
        detail={
            "state": campaign_state(database),
            "bounced": found["bounced"],
            "failed": found["failed"],
            "unknown_550": len(unknown),
            "retried_550": sum(n - 1 for n in sink.rejected_550.values()),
            "suppressed": scalar(database, "SELECT count(*) FROM suppression"),
            "bounced_people": scalar(
                database, "SELECT count(*) FROM subscriber WHERE status = 'bounced'"
            ),
            "duplicated_not_after_dot": len(twice - set(sink.after_dot_drops)),
            "rounds": used,
            "connections": sink.connections,
            "fake_hours": round((clock.now - START).total_seconds() / 3600, 1),
            **{name: sink.faults_seen[name] for name in sorted(sink.faults_seen)},
        },
    )
    database.dispose()
    return figures


async def throttled_relay(
    db_url: str,
    tmp_path: Path,
    *,
    recipients: int,
    throttle_seconds: float = 2.0,
    speed: float = 600.0,
    limit: float = PATIENCE,
) -> Figures:
    """A worker sending on its own; a quarter of the way in, the relay answers 421 to new
    connections and 454 to MAIL FROM for ``throttle_seconds``, then recovers. Nobody acts.
    """
    began = time.monotonic()
    database = Database(db_url)
    emails = write_people(tmp_path / "people.csv", recipients)
    import_people(database, tmp_path / "people.csv")
    clock = FastClock(speed)
    start_sample(database, clock())
    sink = FaultySink(delay=0.002)
    port = await sink.start()
    extra = {"smtp__timeout": "2", "sending__lease_seconds": "3600", "sending__batch_size": "20"}
    app = App(settings_for(db_url, port, **extra), clock=clock)
    dispatcher = quick(app, (0.2, 0.5, 1.0))
    stop = asyncio.Event()
    sending = asyncio.create_task(dispatcher.run(stop))
    throttled_at = ended_at = 0
    try:
        deadline = time.monotonic() + limit
        while len(sink.received) < recipients // 4 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        sink.throttled, throttled_at = True, len(sink.received)
        await asyncio.sleep(throttle_seconds)
        sink.throttled, ended_at = False, len(sink.received)
        while time.monotonic() < deadline and not sending.done():
            if await asyncio.to_thread(campaign_state, database) == "sent":
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(sending, 30)
        await dispatcher.relay.close()
        await sink.stop()
    missed, duplicates = missed_and_duplicates(sink.received, emails)
    found = counts(database)
    attempts = scalar(database, "SELECT sum(attempts) FROM delivery")
    figures = Figures(
        "relay throttling",
        recipients,
        sink.throttled_replies,
        missed,
        duplicates,
        0,
        time.monotonic() - began,
        found["sent"],
        detail={
            "state": campaign_state(database),
            "failed": found["failed"],
            "bounced": found["bounced"],
            "deferred_attempts": int(attempts) - recipients,
            "received_before": throttled_at,
            "received_during": ended_at - throttled_at,
            "refused_421": sink.faults_seen["connect_421"],
            "throttled_seconds": throttle_seconds,
        },
    )
    database.dispose()
    return figures
