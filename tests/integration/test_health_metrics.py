"""/healthz and /metrics over real HTTP (httpx against the ASGI app, in process)."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import httpx
import pytest

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.db import Database
from mailer.web.app import create_app
from tests.conftest import Cli, sendable_text, settings_for
from tests.integration.test_dispatch import PEOPLE, SAMPLE, Scripted, app_for, send_all


async def get(
    app: App, path: str, *, client: str = "127.0.0.1", headers: dict[str, str] | None = None
) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(app), client=(client, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://mailer.test") as http:
        return await http.get(path, headers=headers)


def test_health_says_ok_when_the_database_answers(db: Database, db_url: str) -> None:
    response = asyncio.run(get(App(settings_for(db_url)), "/healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_gone_and_tells_no_details(
    caplog: pytest.LogCaptureFixture,
) -> None:
    nothing_there = "postgresql://postgres:pw-77@127.0.0.1:1/mailer"  # port 1: refused
    with caplog.at_level(logging.ERROR):
        response = asyncio.run(get(App(settings_for(nothing_there)), "/healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "storage unavailable"}
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "127.0.0.1:1" in logged  # the detail is in the log, for the operator
    assert "pw-77" not in logged


def test_metrics_without_a_token_answer_only_this_machine(db: Database, db_url: str) -> None:
    app = App(settings_for(db_url))
    assert asyncio.run(get(app, "/metrics")).status_code == 200
    assert asyncio.run(get(app, "/metrics", client="::1")).status_code == 200
    remote = asyncio.run(get(app, "/metrics", client="203.0.113.9"))
    assert remote.status_code == 404
    assert "mailer_" not in remote.text
    # through a reverse proxy on this machine: the proxy is local, the visitor is not
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert asyncio.run(get(app, "/metrics", headers=forwarded)).status_code == 404


def test_metrics_with_a_token_need_it_from_everywhere(db: Database, db_url: str) -> None:
    token = "metrics-token-0123456789abcdef"
    app = App(settings_for(db_url, web__metrics_token=token))
    for client in ("127.0.0.1", "203.0.113.9"):
        missing = asyncio.run(get(app, "/metrics", client=client))
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Bearer")
        wrong = {"Authorization": "Bearer " + token[:-1] + "X"}
        assert asyncio.run(get(app, "/metrics", client=client, headers=wrong)).status_code == 401
        right = {"Authorization": f"Bearer {token}"}
        response = asyncio.run(get(app, "/metrics", client=client, headers=right))
        assert response.status_code == 200
        assert "# TYPE mailer_deliveries gauge" in response.text


def test_a_public_listen_address_without_a_metrics_token_is_logged(
    db: Database, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        create_app(App(settings_for(db_url, web__listen="0.0.0.0:8000")))
    assert any("web.metrics_token" in record.getMessage() for record in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(App(settings_for(db_url)))  # 127.0.0.1: nothing to say
    assert not any("web.metrics_token" in record.getMessage() for record in caplog.records)


def test_metrics_count_deliveries_sends_and_bounces(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    app = app_for(db_url, 1)
    campaign = source.load_valid(SAMPLE)
    lifecycle.start(db, campaign, sendable_text(SAMPLE), now=app.clock())
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
