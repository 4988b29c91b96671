"""`mailer serve` as a real process: healthy over HTTP, JSON logs, a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import REPO, TEST_SECRET


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_health_and_metrics_then_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILER_")}
    env.update(
        MAILER_DATABASE__URL=f"sqlite:///{tmp_path / 'mailer.db'}",
        MAILER_SECRETS__KEY=TEST_SECRET,
        MAILER_PATHS__CAMPAIGNS=str(REPO / "campaigns"),
        MAILER_PATHS__TEMPLATES=str(REPO / "templates"),
        MAILER_BOUNCES__LISTEN="127.0.0.1:0",
        MAILER_SMTP__PORT="1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "mailer", "serve", "--listen", f"127.0.0.1:{port}"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        health = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and health is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None, "serve did not answer within 30 s"
        assert health.json() == {"status": "ok", "database": "ok"}
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert "# TYPE mailer_send_rate gauge" in metrics.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    messages = [r["message"] for r in records]
    assert "mailer serving" in messages
    assert "scheduler leading" in messages
    assert any(r["message"] == "next occurrence" and r["series"] == "digest" for r in records)
    assert messages[-1] == "mailer stopped"
