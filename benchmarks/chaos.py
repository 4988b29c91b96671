"""The chaos suite's scenarios (tests/chaos/) at the issue's full sizes, printing their figures.

    python benchmarks/chaos.py [--recipients 10000] [--kills 20] [--import-rows 50000]
                               [--postgres URL] [--only NAME ...]

Each scenario prints one line: recipients, faults (kills, restarts or injected faults),
missed, duplicates, bound (the most duplicates the guarantee allows in that run), the ledger's
sent count and seconds, then what else it measured. docs/reliability.md quotes these lines.
The PostgreSQL scenarios need --postgres (default: $MAILER_TEST_POSTGRES_URL); the database is
emptied, and the restart scenario restarts the local cluster serving it (pg_ctlcluster), so
never point it at a cluster others are using.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.chaos.busy_sqlite import import_while_sending
from tests.chaos.crashes import postgres_restart, worker_kills
from tests.chaos.harness import Figures, fresh_database
from tests.chaos.relay_faults import faulty_relay, throttled_relay
from tests.chaos.scheduler_kills import scheduler_kills

LIMIT = 1800.0  # seconds any one wait may take at these sizes


def scenarios(args: argparse.Namespace) -> dict[str, Callable[[Path], Awaitable[Figures]]]:
    n, pg = args.recipients, args.postgres

    def sqlite(tmp: Path) -> str:
        url = f"sqlite:///{tmp / 'mailer.db'}"
        fresh_database(url)
        return url

    def postgres(_: Path) -> str:
        fresh_database(pg)
        return str(pg)

    found: dict[str, Callable[[Path], Awaitable[Figures]]] = {
        "faulty-relay-sqlite": lambda t: faulty_relay(sqlite(t), t, recipients=n, seed=18),
        "throttling-sqlite": lambda t: throttled_relay(sqlite(t), t, recipients=n, limit=LIMIT),
        "sqlite-import": lambda t: import_while_sending(
            t, recipients=n, rows=args.import_rows, limit=LIMIT
        ),
        "scheduler-sqlite": lambda t: scheduler_kills(sqlite(t), t, recipients=n, limit=LIMIT),
    }
    if pg:
        found.update(
            {
                "worker-kills": lambda t: worker_kills(
                    postgres(t), t, recipients=n, kills=args.kills, limit=LIMIT
                ),
                "postgres-restart": lambda t: postgres_restart(
                    postgres(t), t, recipients=n, restarts=args.restarts, limit=LIMIT
                ),
                "faulty-relay-postgres": lambda t: faulty_relay(
                    postgres(t), t, recipients=n, seed=18
                ),
                "throttling-postgres": lambda t: throttled_relay(
                    postgres(t), t, recipients=n, limit=LIMIT
                ),
                "scheduler-postgres": lambda t: scheduler_kills(
                    postgres(t), t, recipients=n, limit=LIMIT
                ),
            }
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--restarts", type=int, default=2)
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--postgres", default=os.environ.get("MAILER_TEST_POSTGRES_URL", ""))
    parser.add_argument("--only", nargs="*", help="scenario names (default: all)")
    args = parser.parse_args()
    chosen = scenarios(args)
    if not args.postgres:
        print("no --postgres URL: the PostgreSQL scenarios are left out")
    failed = False
    for name, run in chosen.items():
        if args.only and name not in args.only:
            continue
        began = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"chaos-{name}-") as tmp:
            try:
                figures = asyncio.run(run(Path(tmp)))
            except AssertionError as exc:  # a wait timed out: say so, go on with the others
                failed = True
                print(f"{name:<22} did not finish in {time.monotonic() - began:.0f} s: {exc}")
                continue
        bad = figures.missed or figures.duplicates > figures.bound
        failed = failed or bool(bad)
        print(f"{name:<22} {figures.line()}{'  <-- guarantee broken' if bad else ''}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
