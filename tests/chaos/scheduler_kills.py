"""`mailer scheduler` killed around an occurrence: just before it is due, and right after a
scheduler claimed it (the occurrence row is there, the campaign perhaps not started yet).

SQLite runs one scheduler, restarted after each kill. PostgreSQL runs a leader and a standby;
the leader is killed, a new standby is started each time. Either way the occurrence must
happen exactly once and every recipient get the issue exactly once.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mailer.db import Database
from tests.chaos.faulty_sink import FaultySink
from tests.chaos.harness import (
    PATIENCE,
    SAMPLE,
    Figures,
    Mailer,
    campaign_state,
    counts,
    import_people,
    missed_and_duplicates,
    process_env,
    scalar,
    wait_until,
    write_people,
)
from tests.conftest import copy_sample

SERIES = "chaos"
ISSUE = "issue-chaos"


def prepare(campaigns: Path, at: datetime) -> None:
    """A daily series due at ``at`` (UTC) with an approved issue for that day."""
    campaigns.mkdir()
    (campaigns / f"{SERIES}.series.toml").write_text(
        f'rule = "FREQ=DAILY"\ntime = "{at:%H:%M:%S}"\ntimezone = "UTC"\ndeadline = "1h"\n'
    )
    folder = campaigns / ISSUE
    copy_sample(SAMPLE, folder)
    toml = folder / "campaign.toml"
    replaced = ("series =", "period =", "approved =", "send_at =")
    lines = toml.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith(replaced)]
    head = f'series = "{SERIES}"\nperiod = "{at:%Y-%m-%d}"\napproved = true\n'
    toml.write_text(head + "\n".join(kept) + "\n", encoding="utf-8")


def sent(database: Database) -> bool:
    """Whether the issue was sent; raises when its occurrence came to anything but a start."""
    state = scalar(database, "SELECT state FROM occurrence")
    if state not in {"pending", "started"}:
        raise AssertionError(
            f"the occurrence was {state}: {scalar(database, 'SELECT detail FROM occurrence')}"
        )
    return campaign_state(database, ISSUE) == "sent"


def leading(schedulers: list[Mailer], *, planned: bool = False) -> Mailer | None:
    """The live scheduler that says it leads (its log has "scheduler leading"); with
    ``planned``, only once it has also planned the series' next occurrence."""
    alive = [s for s in schedulers if s.process.returncode is None]
    said = "next occurrence" if planned else "scheduler leading"
    return next((s for s in reversed(alive) if said in s.output()), None)


def up(scheduler: Mailer) -> bool:
    """Dead, or far enough to lead or wait as a standby (its SIGTERM handler is in place)."""
    said = scheduler.output()
    alive = scheduler.process.returncode is None
    return not alive or "scheduler leading" in said or "scheduler standby" in said


async def scheduler_kills(
    db_url: str, tmp_path: Path, *, recipients: int, lead: float = 4.0, limit: float = PATIENCE
) -> Figures:
    """Kills the leading scheduler once it has planned the occurrence (due ``lead`` seconds
    after the start) and again right after it claimed it. Each wait is for an event; how the
    kills fall against the due time is recorded, and the outcome must not depend on it.
    """
    began = time.monotonic()
    database = Database(db_url)
    standby = database.dialect == "postgresql"
    emails = write_people(tmp_path / "people.csv", recipients)
    import_people(database, tmp_path / "people.csv")
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=lead)
    prepare(tmp_path / "campaigns", at)
    sink = FaultySink()
    port = await sink.start()
    env = process_env(db_url, port, paths__campaigns=str(tmp_path / "campaigns"))
    worker = await Mailer.start(env, tmp_path, "worker", "worker")
    schedulers: list[Mailer] = []

    async def scheduler() -> Mailer:
        started = await Mailer.start(env, tmp_path, f"scheduler{len(schedulers)}", "scheduler")
        schedulers.append(started)
        return started

    async def replace_killed() -> None:
        """A standby takes over and a new standby is started; without one, a restart."""
        if standby:
            await wait_until("the standby to lead", lambda: leading(schedulers) is not None, limit)
        await scheduler()

    def relative() -> str:
        return f"{(datetime.now(UTC) - at).total_seconds():+.1f} s from due"

    occurrences = "SELECT count(*) FROM occurrence"
    kills: list[str] = []
    try:
        await scheduler()
        await wait_until(
            "a scheduler to plan the occurrence",
            lambda: leading(schedulers, planned=True) is not None,
            limit,
        )
        if standby:
            await scheduler()
        victim = leading(schedulers, planned=True)
        assert victim is not None
        await victim.kill()  # it planned the occurrence and dies, most likely before it
        kills.append(f"planned ({relative()})")
        await replace_killed()
        await wait_until(
            "the occurrence to be claimed", lambda: scalar(database, occurrences) > 0, limit
        )
        # the claim may be the killed one's (it fired before it died): then the one that
        # resumes it is killed as soon as it leads
        await wait_until("a scheduler to lead", lambda: leading(schedulers) is not None, limit)
        victim = leading(schedulers)
        assert victim is not None
        await victim.kill()  # right after it claimed the occurrence
        state = scalar(database, "SELECT state FROM occurrence")
        kills.append(f"after claim (occurrence {state}, {relative()})")
        await replace_killed()
        await wait_until("the issue to be sent", lambda: sent(database), limit)
        await wait_until("every scheduler to be up", lambda: all(up(s) for s in schedulers), limit)
    except AssertionError as exc:  # say what each process was doing
        logs = "\n".join(f"--- {m.log.name}\n{m.output()[-3000:]}" for m in [*schedulers, worker])
        raise AssertionError(f"{exc}; kills: {kills}\n{logs}") from None
    finally:
        codes = [await s.stop() for s in schedulers if s.process.returncode is None]
        worker_code = await worker.stop()
        await sink.stop()
    missed, duplicates = missed_and_duplicates(sink.received, emails)
    found = counts(database, ISSUE)
    figures = Figures(
        "scheduler SIGKILL",
        recipients,
        len(kills),
        missed,
        duplicates,
        0,
        time.monotonic() - began,
        found["sent"],
        detail={
            "occurrences": scalar(database, occurrences),
            "occurrence_state": scalar(database, "SELECT state FROM occurrence"),
            "campaigns": scalar(database, "SELECT count(*) FROM campaign"),
            "deliveries": scalar(database, "SELECT count(*) FROM delivery"),
            "kills": kills,
            "standby": standby,
            "exit_codes": [*codes, worker_code],
        },
    )
    figures.logs = [s.output() for s in schedulers] + [worker.output()]
    database.dispose()
    return figures
