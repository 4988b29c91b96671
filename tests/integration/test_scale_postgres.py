"""Scale test on PostgreSQL: 3 `mailer worker` and 2 `mailer scheduler` processes and an SMTP
sink. Each occurrence happens once, every recipient gets each issue once, and when the leading
scheduler is killed the standby leads the next occurrence. Bounded: 120 people, about 20 s.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailer.campaigns import source
from mailer.db import Database
from tests.conftest import POSTGRES_URL, REPO, TEST_SECRET, Cli, table_count
from tests.databases import truncate
from tests.integration.test_occurrences import issue_folder
from tests.network import free_port
from tests.waiting import PATIENCE, wait_for

SAMPLE = REPO / "campaigns" / "2026-12-digest"
PEOPLE = 120
pytestmark = [
    pytest.mark.scale,
    pytest.mark.subprocess,
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs MAILER_TEST_POSTGRES_URL"),
]


class Sink:
    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        found = re.search(rb"^Message-ID: (\S+)", data, re.MULTILINE)
        mid = found.group(1).decode() if found else ""
        self.received.extend((rcpt, mid) for rcpt in envelope.rcpt_tos)
        return "250 2.0.0 OK"


def series_file(folder: Path, name: str, at: datetime) -> None:
    (folder / f"{name}.series.toml").write_text(
        f'rule = "FREQ=DAILY"\ntime = "{at:%H:%M:%S}"\ntimezone = "UTC"\ndeadline = "1h"\n'
    )


def scalar(database: Database, sql: str) -> Any:
    with database.read() as conn:
        return conn.exec_driver_sql(sql).scalar()


def test_workers_and_schedulers_on_postgresql(
    postgres_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = postgres_database
    truncate(db)
    monkeypatch.chdir(tmp_path)
    cli = Cli(
        {
            "MAILER_DATABASE__URL": POSTGRES_URL,
            "MAILER_SECRETS__KEY": TEST_SECRET,
            "MAILER_CONFIG": "",
            "HOME": str(tmp_path),
        }
    )
    every = ";".join(
        sorted({i for item in source.load_valid(SAMPLE).items for i in item.interests})
    )
    people = tmp_path / "people.csv"
    rows = [f'p{n:03}@example.org,P{n},RS,en,"{every}"' for n in range(PEOPLE)]
    people.write_text("email,name,country,language,interests\n" + "\n".join(rows) + "\n")
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0

    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    # Due soon after the start; a scheduler that comes up late fires each inside its deadline
    # (catch-up), so the outcome never depends on the machine's speed, only the path may.
    first = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
    second = first + timedelta(seconds=10)
    series_file(campaigns, "alpha", first)
    series_file(campaigns, "beta", second)
    issue_folder(
        campaigns, "issue-alpha", series="alpha", period=f"{first:%Y-%m-%d}", approved=True
    )
    issue_folder(campaigns, "issue-beta", series="beta", period=f"{second:%Y-%m-%d}", approved=True)

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILER_")}
    env.update(
        MAILER_DATABASE__URL=POSTGRES_URL,
        MAILER_SECRETS__KEY=TEST_SECRET,
        MAILER_PATHS__CAMPAIGNS=str(campaigns),
        MAILER_PATHS__TEMPLATES=str(REPO / "templates"),
        MAILER_SMTP__HOST="127.0.0.1",
        MAILER_SMTP__PORT=str(port),
        MAILER_SENDING__BATCH_SIZE="20",
    )
    processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(name: str, *args: str) -> None:
        log = (tmp_path / f"{name}.log").open("wb")
        processes[name] = subprocess.Popen(
            [sys.executable, "-m", "mailer", *args], cwd=tmp_path, env=env, stdout=log, stderr=log
        )

    lock_held = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )

    def said(name: str, text: str) -> bool:
        return text in (tmp_path / f"{name}.log").read_text()

    try:
        for n in range(3):
            start(f"worker{n}", "worker")
        start("scheduler0", "scheduler")
        wait_for("the first scheduler to lead", lambda: scalar(db, lock_held) == 1)
        start("scheduler1", "scheduler")
        wait_for("the second to wait as a standby", lambda: said("scheduler1", "standby"))
        assert scalar(db, lock_held) == 1

        started = "SELECT count(*) FROM occurrence WHERE state = 'started'"
        wait_for("alpha's occurrence", lambda: scalar(db, started) >= 1)
        processes["scheduler0"].send_signal(signal.SIGKILL)  # the leader dies
        processes["scheduler0"].wait(timeout=PATIENCE)
        wait_for("the standby to lead", lambda: said("scheduler1", "scheduler leading"))
        wait_for("beta's occurrence", lambda: scalar(db, started) == 2)
        sent = "SELECT count(*) FROM campaign WHERE state = 'sent'"
        wait_for("both issues sent", lambda: scalar(db, sent) == 2)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                process.kill()
        controller.stop()

    assert table_count(db, "occurrence") == 2
    mids = Counter(mid for _, mid in sink.received)
    assert len(mids) == 2 * PEOPLE
    assert max(mids.values()) == 1  # nobody twice
    with db.read() as conn:
        issue_of = dict(conn.exec_driver_sql("SELECT message_id, campaign_id FROM delivery").all())
    by_issue = Counter(issue_of[mid] for mid in mids)
    assert sorted(by_issue.values()) == [PEOPLE, PEOPLE]
    for name in ("worker0", "worker1", "worker2", "scheduler1"):
        assert processes[name].returncode == 0, (tmp_path / f"{name}.log").read_text()
