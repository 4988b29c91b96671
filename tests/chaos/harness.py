"""What every chaos scenario shares: people, the sample issue, `mailer` processes, the figures.

A scenario takes the URL of an empty, migrated database and its sizes, and returns ``Figures``;
the tests assert on them at CI sizes, ``benchmarks/chaos.py`` prints them at the issue's sizes.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from mailer.app import utc_now
from mailer.campaigns import lifecycle, source
from mailer.config import Settings, load_settings
from mailer.db import Database
from mailer.errors import NotFound, StorageError
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from tests import waiting
from tests.chaos.faulty_sink import FaultySink
from tests.conftest import sendable_text
from tests.waiting import PATIENCE

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "campaigns" / "2026-12-digest"
SLUG = "2026-12-digest"
SECRET = "test-secret-key-0123456789abcdef"
LANGUAGES = ("en", "ru", "ka", "sr")


@dataclass
class Figures:
    """One run of a scenario, as docs/reliability.md reports it."""

    scenario: str
    recipients: int
    faults: int  # kills, restarts or injected faults, as the scenario says
    missed: int  # recipients the sink never received
    duplicates: int  # messages the sink received more than once (by Message-ID)
    bound: int  # the most duplicates the guarantee allows in this run
    seconds: float
    sent: int = 0  # the ledger's `sent` count
    detail: dict[str, Any] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)  # output of the processes, for a failure

    def line(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in self.detail.items())
        return (
            f"recipients={self.recipients:<6} faults={self.faults:<4} "
            f"missed={self.missed} duplicates={self.duplicates} bound={self.bound} "
            f"sent={self.sent} seconds={self.seconds:.1f} {extra}"
        ).rstrip()


def write_people(path: Path, count: int, prefix: str = "member") -> list[str]:
    """A CSV of ``count`` people in Serbia, in the sample issue's four languages, each with
    every interest the issue's items name (so that it lints).
    """
    every = ";".join(
        sorted({i for item in source.load_valid(SAMPLE).items for i in item.interests})
    )
    emails = [f"{prefix}{n:06d}@example.org" for n in range(count)]
    lines = (f'{e},RS,{LANGUAGES[n % len(LANGUAGES)]},"{every}"\n' for n, e in enumerate(emails))
    path.write_text("email,country,language,interests\n" + "".join(lines))
    return emails


def import_people(database: Database, path: Path, list_name: str = "members") -> int:
    report = import_file(database, path, ImportOptions(list_name=list_name), now=utc_now)
    return report.created


def start_sample(database: Database, now: datetime | None = None) -> int:
    """Starts the sample issue for the list ``members``; returns the deliveries queued."""
    text = sendable_text(SAMPLE)
    return lifecycle.start(database, source.load_valid(SAMPLE), text, now=now or utc_now())


def missed_and_duplicates(
    received: Iterable[tuple[str, str]], emails: list[str]
) -> tuple[int, int]:
    """Recipients never received, and messages received more than once (same Message-ID)."""
    received = list(received)
    got = {rcpt for rcpt, _ in received}
    by_id = Counter(mid for _, mid in received)
    return sum(1 for e in emails if e not in got), sum(n - 1 for n in by_id.values())


def counts(database: Database, slug: str = SLUG) -> dict[str, int]:
    return lifecycle.status(database, slug).counts


def campaign_state(database: Database, slug: str = SLUG) -> str:
    """The campaign's state; "absent" before it was started."""
    try:
        return lifecycle.status(database, slug).state
    except NotFound:
        return "absent"


def scalar(database: Database, sql: str, **params: Any) -> Any:
    with database.read() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def fresh_database(url: str) -> None:
    """Empties the database at ``url`` and brings its schema to the head (benchmarks)."""
    database = Database(url)
    try:
        if database.dialect == "postgresql":  # an SQLite file is new for each run
            with database.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        database.upgrade()
    finally:
        database.dispose()


def settings_for(db_url: str, smtp_port: int, **extra: str) -> Settings:
    """Settings of an in-process App: this database, the sink, ``section__key`` extras."""
    return load_settings(environ=process_env(db_url, smtp_port, **extra))


def process_env(db_url: str, smtp_port: int, **settings: str) -> dict[str, str]:
    """The environment of a `mailer` process: this database, the sink, ``section__key`` extras."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILER_")}
    env.update(
        MAILER_DATABASE__URL=db_url,
        MAILER_SECRETS__KEY=SECRET,
        MAILER_CONFIG="",
        MAILER_SMTP__HOST="127.0.0.1",
        MAILER_SMTP__PORT=str(smtp_port),
        MAILER_PATHS__TEMPLATES=str(REPO / "templates"),
    )
    env.update({f"MAILER_{key.upper()}": value for key, value in settings.items()})
    return env


@dataclass
class Mailer:
    """A `mailer` subprocess whose output goes to a log file."""

    process: asyncio.subprocess.Process
    log: Path

    @classmethod
    async def start(cls, env: dict[str, str], cwd: Path, name: str, *args: str) -> Mailer:
        log = cwd / f"{name}.log"
        with log.open("ab") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "mailer",
                *args,
                env=env,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return cls(process, log)

    @property
    def worker_name(self) -> str:
        """The lease owner this process writes in the ledger (see ``App.dispatcher``)."""
        return f"{socket.gethostname()}:{self.process.pid}"

    def freeze(self) -> None:
        """SIGSTOP: the process stays, holding what it holds, and does nothing more."""
        self.process.send_signal(signal.SIGSTOP)

    async def kill(self) -> None:
        self.process.kill()
        await self.process.wait()

    async def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then wait; the exit code (SIGKILL after ``timeout``)."""
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        assert self.process.returncode is not None
        return self.process.returncode

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def received_at_least(sink: FaultySink, count: int) -> Callable[[], bool]:
    return lambda: len(sink.received) >= count


async def wait_until(what: str, check: Callable[[], bool], seconds: float = PATIENCE) -> None:
    """Polls ``check`` in a thread until true, asking again while the database restarts."""
    await waiting.wait_until(what, check, seconds=seconds, retry_on=(StorageError,))


def postgres_cluster(url: str) -> tuple[str, str]:
    """(version, name) of the local cluster serving ``url``, found by port in pg_lsclusters."""
    port = urlsplit(url).port or 5432
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return version, name
    raise AssertionError(f"no local PostgreSQL cluster on port {port} (pg_lsclusters)")


async def restart_postgres(url: str) -> float:
    """Restarts the cluster serving ``url`` (fast shutdown: sessions are cut); seconds taken."""
    version, name = postgres_cluster(url)
    began = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        "pg_ctlcluster",
        "--skip-systemctl-redirect",
        version,
        name,
        "restart",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0, out.decode()
    return time.monotonic() - began


def held_leases(database: Database, worker: str) -> int:
    """Deliveries ``worker`` had claimed and not settled: at most these can be sent twice."""
    sql = "SELECT count(*) FROM delivery WHERE state = 'sending' AND lease_owner = :worker"
    return int(scalar(database, sql, worker=worker))


def expire_leases(database: Database, worker: str) -> int:
    """Ends a dead worker's leases now, as if their time had run out (the fake clock here)."""
    sql = (
        "UPDATE delivery SET lease_until = :past WHERE state = 'sending' AND lease_owner = :worker"
    )
    with database.write() as conn:
        return int(
            conn.execute(sa.text(sql), {"past": datetime(2000, 1, 1), "worker": worker}).rowcount
        )


def locked_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.search(r"database is locked", line, re.I)]
