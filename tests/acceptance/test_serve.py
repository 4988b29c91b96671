"""`mailer serve` as a real process: healthy over HTTP, JSON logs, a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, TEST_SECRET
from tests.network import free_port, wait_http
from tests.waiting import PATIENCE

pytestmark = [pytest.mark.subprocess]


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
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = wait_http(f"http://127.0.0.1:{port}/healthz", "mailer serve to answer")
        assert health.json() == {"status": "ok", "database": "ok"}
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert "# TYPE mailer_send_rate gauge" in metrics.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=PATIENCE)
    assert process.returncode == 0, stderr
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    messages = [r["message"] for r in records]
    assert "mailer serving" in messages
    assert "scheduler leading" in messages
    assert any(r["message"] == "next occurrence" and r["series"] == "digest" for r in records)
    assert messages[-1] == "mailer stopped"
