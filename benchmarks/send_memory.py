"""Peak memory of a `mailer worker` sending one big campaign to Postfix's smtp-sink on loopback.

Target (issue #4): peak RSS under 150 MB while sending a 1,000,000-recipient campaign. The
worker is a child process (``python -m mailer worker``, the code path the service runs), so its
VmHWM in /proc/<pid>/status is its own: ru_maxrss survives exec and would report ours. It is
started before the campaign and left idle for a few seconds: its RSS then is the baseline
(an idle mailer process, same run, same process). The campaign is then started (materialised
here, in this process), and the worker's VmRSS and VmHWM are sampled as the ``sent`` count
grows; the series shows whether memory grows with the campaign or stays flat.

Subscribers are synthetic (benchmarks/synth.py) and imported the way `mailer subscribers
import` does. SQLite by default (one sender process); ``--postgres`` uses
MAILER_TEST_POSTGRES_URL instead (its schema is dropped and recreated).

    python benchmarks/send_memory.py [--recipients 1000000] [--marks 100000,200000,400000]
        [--stop-after 400000] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from benchmarks.send import SINK, free_port, mailer_environ, populate, start_campaign, start_sink
from mailer.app import App
from mailer.db.schema import campaign, delivery

TARGET_MB = 150
IDLE_SECONDS = 5.0


@dataclass(frozen=True)
class Sample:
    sent: int
    seconds: float
    rss_mb: float
    hwm_mb: float


def memory(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM (the peak RSS) of a process, in MB."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def progress(app: App, slug: str) -> tuple[int, str]:
    """How many deliveries of ``slug`` are sent, and the campaign's state."""
    with app.database.read() as conn:
        state, campaign_id = conn.execute(
            sa.select(campaign.c.state, campaign.c.id).where(campaign.c.slug == slug)
        ).one()
        sent = conn.execute(
            sa.select(sa.func.count()).where(
                delivery.c.campaign_id == campaign_id, delivery.c.state == "sent"
            )
        ).scalar_one()
    return int(sent), str(state)


def run(
    database: Path | str, recipients: int, marks: list[int], tmp: Path, port: int, stop_after: int
) -> None:
    """``database``: a SQLite file or a PostgreSQL URL (as ``benchmarks.send.populate`` takes)."""
    started = time.perf_counter()
    app = populate(database, recipients, tmp)
    print(
        f"  {recipients:,} subscribers imported in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MAILER_")},
        **mailer_environ(app.database.url, port),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "mailer", "worker"], env=environ, cwd=tmp, stderr=subprocess.DEVNULL
    )
    samples: list[Sample] = []
    try:
        time.sleep(IDLE_SECONDS)  # imported, connected, polling: nothing is due yet
        idle_rss, idle_hwm = memory(worker.pid)
        print(
            f"  idle worker (pid {worker.pid}): RSS {idle_rss:.1f} MB, peak {idle_hwm:.1f} MB",
            flush=True,
        )
        started = time.perf_counter()
        rows = start_campaign(app, tmp, "2026-12-memory")
        assert rows == recipients, (rows, recipients)
        print(f"  campaign materialised in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        due = sorted({*marks, stop_after})
        sent, state, top = 0, "sending", idle_hwm
        while state != "sent" and sent < stop_after:
            if worker.poll() is not None:
                raise RuntimeError(f"the worker exited with {worker.returncode}")
            if time.perf_counter() - started > stop_after / 100 + 600:
                raise RuntimeError("the campaign did not finish in time")
            time.sleep(1.0)
            rss, hwm = memory(worker.pid)
            # VmHWM is the kernel's high-water mark of approximate per-thread counters, and two
            # reads can go down by a few hundred kB: the running maximum is what is reported
            top = hwm = max(top, hwm, rss)
            sent, state = progress(app, "2026-12-memory")
            while due and sent >= due[0]:
                due.pop(0)
                sample = Sample(sent, time.perf_counter() - started, rss, hwm)
                samples.append(sample)
                print(
                    f"  {sample.sent:>9,} sent {sample.seconds:7.0f} s  RSS {rss:6.1f} MB  "
                    f"peak {hwm:6.1f} MB",
                    flush=True,
                )
        rss, hwm = memory(worker.pid)  # still running (idle again when the campaign is sent)
        hwm = max(top, hwm, rss)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        app.close()
    last = samples[-1]
    print(
        f"  peak RSS sending {last.sent:,} messages of a {recipients:,}-recipient campaign "
        f"({last.sent / last.seconds:,.0f} messages/s): "
        f"{hwm:.1f} MB (target < {TARGET_MB} MB); baseline, the same worker idle before the "
        f"campaign: {idle_rss:.1f} MB; ratio {hwm / idle_rss:.2f}; growth from the first mark "
        f"({samples[0].sent:,}) to the end: {hwm - samples[0].hwm_mb:+.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument(
        "--marks",
        default="",
        help="sent counts to sample at, comma-separated (default: every tenth of the campaign)",
    )
    parser.add_argument(
        "--stop-after",
        type=int,
        default=0,
        help="stop the worker once this many are sent (default: when the campaign is sent)",
    )
    parser.add_argument("--postgres", action="store_true", help="MAILER_TEST_POSTGRES_URL")
    args = parser.parse_args()
    n = args.recipients
    stop_after = min(args.stop_after or n, n)
    marks = [int(m) for m in args.marks.split(",") if m] or [
        stop_after * i // 10 for i in range(1, 10)
    ]
    postgres = os.environ.get("MAILER_TEST_POSTGRES_URL", "")
    if args.postgres and not postgres:
        parser.error("--postgres needs MAILER_TEST_POSTGRES_URL")
    port = free_port()
    sink = start_sink(port, seconds=int(n / 100) + 1200)
    try:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            database = postgres if args.postgres else tmp / "memory.db"
            print(
                f"sample issue to {n:,} recipients, one `mailer worker` process, "
                f"{'PostgreSQL' if args.postgres else 'SQLite'}, sink: "
                f"{'smtp-sink' if Path(SINK).exists() else 'aiosmtpd'}",
                flush=True,
            )
            run(database, n, marks, tmp, port, stop_after)
    finally:
        sink.terminate()


if __name__ == "__main__":
    main()
