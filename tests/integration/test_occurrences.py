"""One occurrence of a series, exactly once: double fires, racing schedulers, late starts."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

from mailer.app import App
from mailer.campaigns import source
from mailer.campaigns.occurrences import OccurrenceRunner, Planned
from mailer.db import Database
from mailer.db import occurrences as stored
from tests.conftest import Cli, copy_sample, settings_for, table_count
from tests.integration.test_dispatch import PEOPLE, SAMPLE
from tests.waiting import PATIENCE

PLANNED = datetime(2026, 12, 1, 8, 0)  # 09:00 in Belgrade
DEC = Planned("digest", "2026-12", PLANNED, PLANNED + timedelta(hours=6))


def issue_folder(root: Path, slug: str, *, series: str, period: str, approved: bool) -> Path:
    folder = root / slug
    copy_sample(SAMPLE, folder)
    toml = folder / "campaign.toml"
    lines = [
        line
        for line in toml.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("series =", "period =", "approved ="))
    ]
    head = f'series = "{series}"\nperiod = "{period}"\napproved = {str(approved).lower()}\n'
    toml.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    return folder


def runner(db_url: str, campaigns: Path, now: datetime) -> OccurrenceRunner:
    app = App(settings_for(db_url), clock=lambda: now)
    return OccurrenceRunner(app.database, campaigns, app.composer, app.clock)


def setup(cli: Cli, tmp_path: Path) -> Path:
    every = ";".join(
        sorted({i for item in source.load_valid(SAMPLE).items for i in item.interests})
    )
    people = tmp_path / "people.csv"
    lines = PEOPLE.strip().splitlines()
    people.write_text(
        "\n".join(
            [lines[0]]
            + [
                f'{line.rstrip(",")},"{every}"' if line.endswith(",") else line
                for line in lines[1:]
            ]
        )
        + "\n"
    )
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    return campaigns


def test_a_double_fire_starts_the_issue_once(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    issue_folder(campaigns, "2026-12-digest", series="digest", period="2026-12", approved=True)
    issue_folder(campaigns, "2027-01-digest", series="digest", period="2027-01", approved=True)
    first = runner(db_url, campaigns, PLANNED + timedelta(seconds=2)).fire(DEC)
    assert first is not None
    assert (first.state, first.slug, first.queued) == ("started", "2026-12-digest", 6), first.detail
    assert runner(db_url, campaigns, PLANNED + timedelta(seconds=3)).fire(DEC) is None
    assert table_count(db, "delivery") == 6
    with db.read() as conn:
        row = stored.find(conn, "digest", "2026-12")
    assert row is not None
    assert (row.state, row.campaign_id is not None) == ("started", True)


def test_racing_schedulers_claim_one_occurrence_once(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    issue_folder(campaigns, "2026-12-digest", series="digest", period="2026-12", approved=True)
    runners = [runner(db_url, campaigns, PLANNED) for _ in range(4)]
    results: list[object] = []
    barrier = threading.Barrier(len(runners))

    def go(one: OccurrenceRunner) -> None:
        barrier.wait(timeout=PATIENCE)
        results.append(one.fire(DEC))

    threads = [threading.Thread(target=go, args=(one,)) for one in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PATIENCE)
    assert sum(result is not None for result in results) == 1
    assert table_count(db, "occurrence") == 1
    assert table_count(db, "delivery") == 6


def test_without_an_approved_issue_the_occurrence_is_missed(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    issue_folder(campaigns, "2026-12-digest", series="digest", period="2026-12", approved=False)
    outcome = runner(db_url, campaigns, PLANNED).fire(DEC)
    assert outcome is not None
    assert outcome.state == "missed"
    assert "no approved issue for digest 2026-12 (drafts: 2026-12-digest)" in outcome.detail
    assert table_count(db, "delivery") == 0


def test_past_its_deadline_an_occurrence_is_skipped(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    issue_folder(campaigns, "2026-12-digest", series="digest", period="2026-12", approved=True)
    outcome = runner(db_url, campaigns, DEC.deadline_at + timedelta(minutes=1)).fire(DEC)
    assert outcome is not None
    assert outcome.state == "skipped"
    assert table_count(db, "delivery") == 0
    with db.read() as conn:
        assert stored.latest(conn, "digest").state == "skipped"  # type: ignore[union-attr]


def test_an_occurrence_whose_claimer_died_is_carried_out_after_a_restart(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    campaigns = setup(cli, tmp_path)
    issue_folder(campaigns, "2026-12-digest", series="digest", period="2026-12", approved=True)
    with db.write() as conn:  # claimed, then the process died before starting the issue
        stored.claim(
            conn,
            series="digest",
            period_key="2026-12",
            planned_at=DEC.planned_at,
            deadline_at=DEC.deadline_at,
            now=PLANNED,
        )
    outcomes = runner(db_url, campaigns, PLANNED + timedelta(minutes=5)).resume_pending()
    assert [(o.state, o.queued) for o in outcomes] == [("started", 6)]
    assert runner(db_url, campaigns, PLANNED + timedelta(minutes=6)).resume_pending() == []
