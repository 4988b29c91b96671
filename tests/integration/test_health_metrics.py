"""/healthz and /metrics over real HTTP (httpx against the ASGI app, in process)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.db import Database
from mailer.web.app import create_app
from tests.conftest import Cli, settings_for
from tests.integration.test_dispatch import PEOPLE, SAMPLE, Scripted, app_for, send_all


async def get(app: App, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://mailer.test") as client:
        return await client.get(path)


def test_health_says_ok_when_the_database_answers(db: Database, db_url: str) -> None:
    response = asyncio.run(get(App(settings_for(db_url)), "/healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_gone() -> None:
    nothing_there = "postgresql://postgres@127.0.0.1:1/mailer"  # port 1: connection refused
    response = asyncio.run(get(App(settings_for(nothing_there)), "/healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_metrics_count_deliveries_sends_and_bounces(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    app = app_for(db_url, 1)
    campaign = source.load_valid(SAMPLE)
    lifecycle.start(db, campaign, (SAMPLE / "campaign.toml").read_text(), now=app.clock())
    asyncio.run(send_all(app, Scripted()))

    response = asyncio.run(get(app, "/metrics"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    slug = campaign.slug
    assert f'mailer_deliveries{{campaign="{slug}",state="sent"}} 2' in text
    assert f'mailer_deliveries{{campaign="{slug}",state="bounced"}} 1' in text
    assert f'mailer_deliveries{{campaign="{slug}",state="failed"}} 2' in text
    assert 'mailer_bounces{kind="hard",source="smtp"} 2' in text  # 5.1.1 and the 5.7.1 policy
    assert 'mailer_bounces{kind="soft",source="smtp"} 1' in text
    rate = re.search(r"^mailer_send_rate (\S+)$", text, re.MULTILINE)
    assert rate is not None
    assert float(rate.group(1)) > 0
    assert "# TYPE mailer_deliveries gauge" in text
