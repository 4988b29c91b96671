"""Real `mailer worker` processes against a sink, and what kills them or their database.

Leases are 2 s and batches as small as the concurrency, so a dead worker's deliveries come
back quickly and at most ``concurrency`` of them can have reached the relay unrecorded.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from mailer.db import Database
from tests.chaos.faulty_sink import FaultySink
from tests.chaos.harness import (
    Figures,
    Mailer,
    campaign_state,
    counts,
    expire_leases,
    held_leases,
    import_people,
    missed_and_duplicates,
    process_env,
    received_at_least,
    restart_postgres,
    start_sample,
    wait_until,
    write_people,
)


def worker_env(db_url: str, port: int, concurrency: int) -> dict[str, str]:
    return process_env(
        db_url,
        port,
        sending__concurrency=str(concurrency),
        sending__batch_size=str(concurrency),
        sending__lease_seconds="60",
        smtp__timeout="5",
    )


STARTED = "worker sending through"  # the first line a worker logs once it is running


async def _finish(
    database: Database, workers: list[Mailer], limit: float
) -> tuple[list[int], list[str]]:
    """Waits for the campaign to be sent, then stops the workers: exit codes and logs."""
    try:
        await wait_until(
            "the campaign to be sent", lambda: campaign_state(database) == "sent", limit
        )
        # a worker started after the last kill may still be importing when the campaign ends;
        # SIGTERM before its handler is installed is the default death (-15), not a fault
        for worker in workers:
            await wait_until(f"{worker.log.stem} to start", lambda w=worker: STARTED in w.output())
    finally:
        codes = [await worker.stop() for worker in workers]
    return codes, [worker.output() for worker in workers]


async def worker_kills(
    db_url: str,
    tmp_path: Path,
    *,
    recipients: int,
    kills: int,
    workers: int = 2,
    concurrency: int = 2,
    seed: int = 7,
    limit: float = 240.0,
) -> Figures:
    """``workers`` workers share a campaign; at ``kills`` random points of it one of them,
    chosen at random, is SIGKILLed and started again at once.
    """
    began = time.monotonic()
    rng = random.Random(seed)
    database = Database(db_url)
    emails = write_people(tmp_path / "people.csv", recipients)
    import_people(database, tmp_path / "people.csv")
    start_sample(database)
    sink = FaultySink(delay=0.005)  # a relay that takes a moment: kills land mid-message
    port = await sink.start()
    env = worker_env(db_url, port, concurrency)
    running = [await Mailer.start(env, tmp_path, f"worker{n}", "worker") for n in range(workers)]
    everyone = list(running)
    points = sorted(rng.sample(range(recipients // 20, recipients * 9 // 10), kills))
    in_flight: list[int] = []
    try:
        for n, point in enumerate(points):
            await wait_until(f"{point} messages received", received_at_least(sink, point), limit)
            index = rng.randrange(workers)
            victim = running[index]
            victim.freeze()  # it can neither send nor claim now; its leases last 60 s more
            in_flight.append(await asyncio.to_thread(held_leases, database, victim.worker_name))
            await victim.kill()
            # as if its 60 s had passed: the others reap its leases now instead of in a minute
            await asyncio.to_thread(expire_leases, database, victim.worker_name)
            running[index] = await Mailer.start(env, tmp_path, f"worker{index}-{n}", "worker")
            everyone.append(running[index])
        codes, logs = await _finish(database, running, limit)
    finally:
        for worker in everyone:
            await worker.stop(5)
        await sink.stop()
    missed, duplicates = missed_and_duplicates(sink.received, emails)
    found = counts(database)
    figures = Figures(
        "worker SIGKILL",
        recipients,
        kills,
        missed,
        duplicates,
        sum(in_flight),
        time.monotonic() - began,
        found["sent"],
        detail={
            "state": campaign_state(database),
            "workers": workers,
            "concurrency": concurrency,
            "in_flight": in_flight,
            "exit_codes": codes,
            "failed": found["failed"],
        },
    )
    figures.logs = logs
    database.dispose()
    return figures


async def postgres_restart(
    db_url: str,
    tmp_path: Path,
    *,
    recipients: int,
    restarts: int = 1,
    workers: int = 2,
    concurrency: int = 2,
    limit: float = 240.0,
    restart: Callable[[], Awaitable[float]] | None = None,
) -> Figures:
    """The PostgreSQL server of ``db_url`` is restarted (sessions cut) while ``workers``
    workers send, ``restarts`` times at even intervals; nobody restarts the workers.
    ``restart`` restarts it (seconds taken); by default the local cluster on its port.
    """
    restart = restart or (lambda: restart_postgres(db_url))
    began = time.monotonic()
    database = Database(db_url)
    emails = write_people(tmp_path / "people.csv", recipients)
    import_people(database, tmp_path / "people.csv")
    start_sample(database)
    sink = FaultySink(delay=0.005)
    port = await sink.start()
    env = worker_env(db_url, port, concurrency)
    running = [await Mailer.start(env, tmp_path, f"worker{n}", "worker") for n in range(workers)]
    downtime: list[float] = []
    alive_after: list[int] = []
    try:
        for n in range(restarts):
            point = recipients * (n + 1) // (restarts + 2)
            await wait_until(f"{point} messages received", received_at_least(sink, point), limit)
            downtime.append(round(await restart(), 1))
            after = point + workers * concurrency + 10  # sending again after the restart
            await wait_until(f"{after} messages received", received_at_least(sink, after), limit)
            alive_after.append(sum(w.process.returncode is None for w in running))
        codes, logs = await _finish(database, running, limit)
    finally:
        for worker in running:
            await worker.stop(5)
        await sink.stop()
    missed, duplicates = missed_and_duplicates(sink.received, emails)
    found = counts(database)
    figures = Figures(
        "PostgreSQL restart",
        recipients,
        restarts,
        missed,
        duplicates,
        restarts * workers * concurrency,
        time.monotonic() - began,
        found["sent"],
        detail={
            "state": campaign_state(database),
            "restart_seconds": downtime,
            "workers_alive_after": alive_after,
            "exit_codes": codes,
            "failed": found["failed"],
        },
    )
    figures.logs = logs
    database.dispose()
    return figures
