"""The preflight gate: `mailer campaign send`, `lifecycle.schedule` and the scheduler's firing
refuse an issue while a check fails (here: no DMARC record in a real DNS zone on loopback),
unless forced; an override recorded with the approver's name lets the scheduler send it.
With the demo's example domains and `preflight.gate = auto` nothing is gated."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.errors import PreflightFailed
from mailer.smtp.dkim import DkimSigner
from tests.conftest import REPO, Cli, sendable_text, settings_for
from tests.dns_zone import SENDING_IP, good_zone, zone_server
from tests.integration.test_occurrences import setup
from tests.integration.test_one_off import SEND_AT, one_off_folder, service

DMARC_FIX = '_dmarc.example.org. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.org"'


@pytest.fixture
def gate(key_file: Path) -> Iterator[dict[str, str]]:
    """Settings (as section__key) of a gated setup whose zone has no DMARC record."""
    zone = good_zone(DkimSigner.from_file("example.org", "mail", key_file))
    zone.drop("_dmarc.example.org", "TXT")
    with zone_server(zone) as server:
        yield {
            "preflight__gate": "on",
            "preflight__nameservers": server.address,
            "preflight__sending_ips": SENDING_IP,
            "dkim__selector": "mail",
            "dkim__domain": "example.org",
            "dkim__private_key_file": str(key_file),
            "web__base_url": "https://news.example.org",
            "paths__templates": str(REPO / "templates"),
        }


def flags(settings: dict[str, str]) -> list[str]:
    return [part for k, v in settings.items() for part in ("--set", f"{k.replace('__', '.')}={v}")]


def test_campaign_send_refuses_a_failing_preflight_unless_forced(
    cli: Cli, tmp_path: Path, gate: dict[str, str]
) -> None:
    campaigns = setup(cli, tmp_path)
    folder = one_off_folder(campaigns, "launch", send_at=None, approved=True)
    refused = cli(*flags(gate), "campaign", "send", str(folder))
    assert refused.exit_code == 1
    assert "FAIL  dmarc.record" in refused.stderr
    assert DMARC_FIX in refused.stderr
    assert "not sent: preflight found 1 failing check(s)" in refused.stderr
    assert cli("campaign", "status", "launch").exit_code == 2  # nothing was started

    forced = cli(*flags(gate), "campaign", "send", str(folder), "--force")
    assert forced.exit_code == 0, forced.output
    assert "despite failing preflight (--force)" in forced.stderr
    assert "started launch" in forced.stdout


def test_the_demo_settings_are_not_gated(cli: Cli, tmp_path: Path) -> None:
    """auto: example.org can hold no records, so the embedded demo sends as before."""
    campaigns = setup(cli, tmp_path)
    folder = one_off_folder(campaigns, "launch", send_at=None, approved=True)
    app = App(settings_for("sqlite:///:memory:", paths__campaigns=str(campaigns)))
    assert app.preflight().run(folder).errors >= 1  # no DKIM: the report says so
    assert app.preflight().gate(folder) is None  # ... but does not stop the send
    sent = cli("--set", f"paths.templates={REPO / 'templates'}", "campaign", "send", str(folder))
    assert sent.exit_code == 0, sent.output


def test_schedule_refuses_then_records_who_forced_it(
    cli: Cli, db_url: str, tmp_path: Path, gate: dict[str, str]
) -> None:
    campaigns = setup(cli, tmp_path)
    folder = one_off_folder(campaigns, "launch", send_at=None, approved=True)
    now = datetime(2026, 12, 1, 8, 0)
    app = App(settings_for(db_url, paths__campaigns=str(campaigns), **gate), clock=lambda: now)
    issue = source.load_valid(folder)
    text = sendable_text(folder)
    report = app.preflight().gate(folder)
    assert report is not None
    assert [c.name for c in report.failures] == ["dmarc.record"]
    at = datetime(2026, 12, 10, 8, 0)
    with pytest.raises(PreflightFailed) as refused:
        lifecycle.schedule(
            app.database, issue, text, send_at=at, by="ana", now=now, preflight=report
        )
    assert "dmarc.record: no DMARC record at _dmarc.example.org" in str(refused.value)
    forced_by = "ana@example.org"
    schedule = {"send_at": at, "by": "ana", "now": now, "preflight": report}
    lifecycle.schedule(app.database, issue, text, **schedule, forced_by=forced_by)
    assert lifecycle.status(app.database, "launch").state == "scheduled"


def test_the_scheduler_sends_a_forced_one_off_and_refuses_one_that_was_not(
    cli: Cli, db_url: str, tmp_path: Path, gate: dict[str, str]
) -> None:
    campaigns = setup(cli, tmp_path)
    forced = one_off_folder(campaigns, "forced", send_at=None, approved=True)
    one_off_folder(campaigns, "plain", send_at="2026-12-10T09:00", approved=True)
    early = SEND_AT - timedelta(days=1)
    before = service(db_url, campaigns, early, **gate)
    issue = source.load_valid(forced)
    text = sendable_text(forced)
    at = SEND_AT.astimezone(UTC).replace(tzinfo=None)
    report = before.app.preflight().gate(forced)
    approver = "ana@example.org"
    when = {"send_at": at, "now": early.astimezone(UTC).replace(tzinfo=None)}
    lifecycle.schedule(
        before.app.database, issue, text, by=approver, preflight=report, forced_by=approver, **when
    )
    outcomes = asyncio.run(
        service(db_url, campaigns, SEND_AT + timedelta(minutes=5), **gate).catch_up()
    )
    by_slug = {o.slug: o for o in outcomes}
    assert by_slug["forced"].state == "started"
    assert by_slug["plain"].state == "failed"
    assert "plain fails preflight: dmarc.record: no DMARC record" in by_slug["plain"].detail
