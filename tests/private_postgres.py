"""A PostgreSQL server of one test's own: initdb in a temporary folder, listening on a free
loopback port. A test that restarts its server disturbs no other test running beside it.

Debian's server binaries are used (``/usr/lib/postgresql/<version>/bin``); as root they run as
the ``postgres`` user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.network import free_port

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))


def available() -> bool:
    return bool(BINARIES)


@dataclass
class PrivatePostgres:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> float:
        """Runs ``pg_ctl`` on this server (waiting for it); the seconds it took. Starting needs
        ``-l``: the server would otherwise hold pg_ctl's output open, and this wait never end."""
        began = time.monotonic()
        _run(str(BINARIES[-1]), "-D", str(self.folder / "data"), "-w", "-t", "120", *args)
        return time.monotonic() - began

    def restart(self) -> float:
        """A fast restart: every session is cut, as when an operator restarts the server."""
        return self.pg_ctl("-m", "fast", "-l", str(self.folder / "server.log"), "restart")

    def stop(self) -> None:
        self.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(*command: str) -> None:
    done = subprocess.run(
        [*_as_postgres(), *command], capture_output=True, text=True, timeout=180, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")


def start() -> PrivatePostgres:
    """initdb (trust on loopback, no fsync: nothing here must survive power loss) and start."""
    folder = Path(tempfile.mkdtemp(prefix="mailer-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    initdb = BINARIES[-1].with_name("initdb")
    _run(str(initdb), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
    server = PrivatePostgres(folder, free_port())
    options = f"-c listen_addresses=127.0.0.1 -p {server.port} -k {folder} -c fsync=off"
    server.pg_ctl("-o", options, "-l", str(folder / "server.log"), "start")
    return server
