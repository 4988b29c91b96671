"""The report of a sent issue: outcomes per language and per country, complaints and
unsubscribes, the same numbers as `campaign status` and `campaign report --json`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiosmtpd.smtp import SMTP

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.reports.campaign_report import campaign_report
from tests.conftest import sendable_text
from tests.web.test_staff_campaigns import Sink
from tests.web.test_staff_support import (
    PEOPLE,
    SLUG,
    add_people,
    add_staff,
    make_app,
    signed_in,
    text_of,
)

BOUNCING = PEOPLE.splitlines()[0] + "\nnobody@example.org,Nobody,GE,ka,fatherhood\n"


def test_report_of_a_sent_issue(db_url: str, tmp_path: Path) -> None:
    sink = Sink()

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(sink), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        app: App = make_app(db_url, tmp_path, smtp_port=port)
        add_staff(app)
        add_people(app, tmp_path)
        add_people(app, tmp_path, BOUNCING)
        folder = Path(app.settings.paths.campaigns) / SLUG
        text = sendable_text(folder)
        campaign = source.load_valid(folder)
        async with server:
            async with signed_in(app) as (http, _):
                missing = await http.get(f"/staff/campaigns/{SLUG}/report")
                assert missing.status_code == 404
                assert "never approved or sent" in missing.text
            lifecycle.approve(app.database, campaign, text, by="ana", now=app.clock())
            lifecycle.start(app.database, campaign, text, now=app.clock())
            await app.send_until_idle()
            async with signed_in(app) as (http, _):
                page = await http.get(f"/staff/campaigns/{SLUG}/report")
                assert page.status_code == 200
                counts = text_of(page.text, "report-counts")
                georgia = text_of(page.text, "report-country")
                languages = text_of(page.text, "report-language")
                assert 'id="chart-progress"' in page.text
                assert 'data-label="ka" data-state="bounced" data-value="1"' in page.text
        status = lifecycle.status(app.database, SLUG)
        assert status.counts["sent"] == 4
        assert status.counts["bounced"] == 1
        assert counts.split()[:8] == [
            "Deliveries",
            "delivered",
            "deferred",
            "bounced",
            "failed",
            "skipped",
            "queued",
            "sending",
        ]
        numbers = counts.split()[-10:]
        assert numbers[0] == str(status.total)
        assert numbers[1:8] == [
            str(status.counts[o])
            for o in ("sent", "deferred", "bounced", "failed", "skipped", "queued", "sending")
        ]
        assert "GE Georgia 1 0 1" in georgia  # nino delivered, nobody bounced
        assert "ka 1 0 1" in languages
        report = campaign_report(app.database, SLUG).as_json()
        assert report["sent"] == 4
        assert report["bounced"] == 1
        assert report["total"] == status.total

    asyncio.run(scenario())
