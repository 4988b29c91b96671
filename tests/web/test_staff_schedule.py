"""The Schedule page and the dashboard's series: next occurrences in local time and UTC,
whether each period has an approved issue, the last outcomes; scheduling an issue outside its
period asks for confirmation first."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.campaigns.folders import import_all
from mailer.db import occurrences as stored
from tests.conftest import REPO, copy_sample, sendable_text
from tests.web.test_staff_support import (
    SAMPLE,
    SLUG,
    Clock,
    add_staff,
    make_app,
    signed_in,
    text_of,
)

PAGE = f"/staff/campaigns/{SLUG}"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    """The sample series and its December issue (series = digest, period = 2026-12), stored."""
    campaigns = tmp_path / "campaigns"
    copy_sample(SAMPLE, campaigns / SLUG)
    shutil.copy(REPO / "campaigns" / "digest.series.toml", campaigns)
    made = make_app(db_url, tmp_path, clock=Clock(datetime(2026, 11, 20, 10, 0)))
    add_staff(made)
    import_all(made.database, campaigns, now=made.clock())
    return made


def approve(app: App) -> None:
    folder = Path(app.settings.paths.campaigns) / SLUG
    text = sendable_text(folder)
    lifecycle.approve(app.database, source.load_valid(folder), text, by="ana", now=app.clock())


def test_schedule_shows_next_occurrences_approval_and_outcomes(app: App) -> None:
    with app.database.write() as conn:  # November's occurrence found no approved issue
        stored.claim(
            conn,
            series="digest",
            period_key="2026-11",
            planned_at=datetime(2026, 11, 3, 8),
            deadline_at=datetime(2026, 11, 3, 14),
            state="pending",
            now=datetime(2026, 11, 3, 8),
        )
        found = stored.find(conn, "digest", "2026-11")
        assert found is not None
        stored.finish(
            conn,
            found.id,
            state="missed",
            detail="no approved issue for digest 2026-11 (drafts: none)",
            campaign_id=None,
            now=datetime(2026, 11, 3, 8),
        )

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get("/staff/schedule")
            assert page.status_code == 200
            december = text_of(page.text, "occurrence-digest-2026-12")
            assert "Tue 2026-12-01 09:00 Europe/Belgrade" in december
            assert "2026-12-01 08:00 UTC" in december
            assert f"not approved yet : {SLUG}" in december
            january = text_of(page.text, "occurrence-digest-2027-01")
            assert "Tue 2027-01-05 09:00 Europe/Belgrade" in january
            assert "no issue yet" in january
            assert "occurrence-digest-2027-02" in page.text
            history = text_of(page.text, "series-digest")
            assert "2026-11" in history
            assert "missed" in history
            assert "no approved issue for digest 2026-11" in history

            approve(app)
            page = await http.get("/staff/schedule")
            assert f"approved : {SLUG}" in text_of(page.text, "occurrence-digest-2026-12")

            dashboard = await http.get("/staff/")
            row = text_of(dashboard.text, "dashboard-series-digest")
            assert "Tue 2026-12-01 09:00 Europe/Belgrade" in row
            assert "2026-12-01 08:00 UTC" in row
            assert f"2026-12: approved : {SLUG}" in row
            assert "2026-11 missed" in row

    asyncio.run(scenario())


def test_a_broken_series_file_is_shown_with_its_error(app: App) -> None:
    broken = Path(app.settings.paths.campaigns) / "weekly.series.toml"
    broken.write_text('rule = "FREQ=WEEKLY"\ntimezone = "Mars/Olympus"\n', encoding="utf-8")

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get("/staff/schedule")
            weekly = text_of(page.text, "series-weekly")
            assert "has errors" in weekly
            assert "Mars/Olympus" in weekly
            assert "occurrence-digest-2026-12" in page.text  # the others are still shown

    asyncio.run(scenario())


def test_scheduling_outside_the_issues_period_asks_first(app: App) -> None:
    approve(app)

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            form = {"csrf": csrf, "send_at": "2027-01-05T09:00", "timezone": "Europe/Belgrade"}
            asked = await http.post(f"{PAGE}/schedule", data=form)
            assert asked.status_code == 409
            reason = text_of(asked.text, "action-error")
            assert reason == (
                f"{SLUG} is the issue for 2026-12, but 2027-01-05 09:00 Europe/Belgrade falls "
                "in 2027-01. Check the date, or confirm that this issue should go out then."
            )
            assert 'id="schedule-confirm-period"' in asked.text
            assert 'value="2027-01-05T09:00"' in asked.text  # what was typed is kept
            assert lifecycle.status(app.database, SLUG).state == "approved"

            confirmed = await http.post(f"{PAGE}/schedule", data={**form, "confirm_period": "yes"})
            assert confirmed.status_code == 303
            page = await http.get(confirmed.headers["location"])
            assert text_of(page.text, "scheduled-local") == "2027-01-05 09:00 Europe/Belgrade"

            inside = {**form, "send_at": "2026-12-02T09:00"}  # within the period: no question
            assert (await http.post(f"{PAGE}/schedule", data=inside)).status_code == 303

    asyncio.run(scenario())


def test_pages_follow_the_browsers_language(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get("/staff/schedule", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
            assert '<html lang="ru">' in page.text
            assert "<h1>Расписание</h1>" in page.text
            assert "ещё не утверждён" in text_of(page.text, "occurrence-digest-2026-12")
            english = await http.get("/staff/schedule", headers={"Accept-Language": "de, en"})
            assert "<h1>Schedule</h1>" in english.text

    asyncio.run(scenario())


def test_an_approved_issue_is_not_offered_for_approval_again_and_shows_not_started(
    app: App,
) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            draft = await http.get(PAGE)
            assert 'id="approve"' in draft.text
            approve(app)
            page = await http.get(PAGE)
            assert 'id="approve"' not in page.text
            assert "This exact text is approved" in text_of(page.text, "approval-stands")
            assert text_of(page.text, "not-started") == "Not started: nothing queued yet."
            assert "0 / 0" not in page.text

    asyncio.run(scenario())
