"""The delivery ledger on SQLite and PostgreSQL: snapshot, leases, fencing, reaping, completion."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mailer.campaigns import lifecycle, source
from mailer.db import Database, deliveries
from mailer.errors import Conflict
from tests.conftest import BACKENDS, REPO, Cli

POSTGRES_ONLY = [b for b in BACKENDS if b.id == "postgresql"]  # SQLite: one sender process

SAMPLE = REPO / "campaigns" / "2026-12-digest"
T0 = datetime(2026, 12, 1, 8, 0)
PEOPLE = (
    "email,country,language\n"
    "a@example.org,GE,ka\nb@example.org,AZ,ru\nc@example.org,RS,sr\nd@example.org,BY,be\n"
    "e@example.org,KG,ky\n"
)


@pytest.fixture
def started(cli: Cli, db: Database, tmp_path: Path) -> int:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    assert cli("subscribers", "import", str(people), "--list", "partners").exit_code == 0
    late = tmp_path / "late.csv"
    late.write_text("email\nunconfirmed@example.org\n")
    cli("subscribers", "import", str(late), "--list", "members", "--status", "unconfirmed")
    campaign = source.load_valid(SAMPLE)
    campaign = type(campaign)(**{**campaign.__dict__, "lists": ("members", "partners")})
    return lifecycle.start(db, campaign, "source text", now=T0)


def test_start_writes_one_row_per_active_recipient(started: int, db: Database) -> None:
    assert started == 5  # on two lists, once each; the unconfirmed one is left out
    status = lifecycle.status(db, "2026-12-digest")
    assert status.as_json() == {
        "state": "sending",
        "total": 5,
        "queued": 5,
        "sending": 0,
        "sent": 0,
        "deferred": 0,
        "failed": 0,
        "bounced": 0,
        "skipped": 0,
    }
    with pytest.raises(Conflict, match="is sending"):
        lifecycle.start(db, source.load_valid(SAMPLE), "again", now=T0)


def test_claims_lease_fence_and_reap(started: int, db: Database) -> None:
    lease = T0 + timedelta(seconds=60)
    with db.write() as conn:
        first = deliveries.claim(conn, worker="w1", limit=3, now=T0, lease_until=lease)
    with db.write() as conn:
        second = deliveries.claim(conn, worker="w2", limit=3, now=T0, lease_until=lease)
    assert len(first) == 3
    assert len(second) == 2
    assert not {d.id for d in first} & {d.id for d in second}
    assert all(d.attempts == 1 for d in first)
    with db.write() as conn:
        # another worker cannot record an outcome for a delivery it does not hold
        assert not deliveries.finish(conn, first[0].id, worker="w2", state="sent", now=T0)
        assert deliveries.finish(conn, first[0].id, worker="w1", state="sent", now=T0)
        assert deliveries.reap(conn, now=T0 + timedelta(seconds=30)) == 0
        assert deliveries.reap(conn, now=T0 + timedelta(seconds=61)) == 4  # w1's 2 and w2's 2
        # a worker whose lease was reaped cannot write any more
        assert not deliveries.finish(conn, first[1].id, worker="w1", state="sent", now=T0)
    counts = lifecycle.status(db, "2026-12-digest").counts
    assert counts["sent"] == 1
    assert counts["deferred"] == 4


def test_pause_resume_cancel(started: int, db: Database) -> None:
    lease = T0 + timedelta(seconds=60)
    assert lifecycle.pause(db, "2026-12-digest", now=T0) == "paused"
    with db.write() as conn:
        assert deliveries.claim(conn, worker="w", limit=10, now=T0, lease_until=lease) == []
    with pytest.raises(Conflict, match="is paused"):
        lifecycle.pause(db, "2026-12-digest", now=T0)
    assert lifecycle.resume(db, "2026-12-digest", now=T0) == "sending"
    with db.write() as conn:
        claimed = deliveries.claim(conn, worker="w", limit=2, now=T0, lease_until=lease)
    assert len(claimed) == 2
    assert lifecycle.cancel(db, "2026-12-digest", now=T0) == "cancelled"
    counts = lifecycle.status(db, "2026-12-digest").counts
    assert counts == {**counts, "skipped": 3, "sending": 2}  # in flight ones finish normally


def test_campaign_is_sent_only_when_nothing_is_open(started: int, db: Database) -> None:
    lease = T0 + timedelta(seconds=60)
    with db.write() as conn:
        claimed = deliveries.claim(conn, worker="w", limit=10, now=T0, lease_until=lease)
        for item in claimed[:-1]:
            deliveries.finish(conn, item.id, worker="w", state="sent", now=T0)
        later = T0 + timedelta(minutes=5)
        deliveries.finish(
            conn, claimed[-1].id, worker="w", state="deferred", now=T0, next_attempt_at=later
        )
        assert deliveries.complete_finished(conn, now=T0) == []
    with db.write() as conn:
        assert (
            deliveries.claim(conn, worker="w", limit=10, now=T0, lease_until=lease) == []
        )  # not due
        again = deliveries.claim(conn, worker="w", limit=10, now=later, lease_until=later)
        assert [d.attempts for d in again] == [2]
        deliveries.finish(conn, again[0].id, worker="w", state="sent", now=later)
        assert len(deliveries.complete_finished(conn, now=later)) == 1
    assert lifecycle.status(db, "2026-12-digest").state == "sent"


@pytest.mark.parametrize("backend", POSTGRES_ONLY)
def test_two_workers_on_postgresql_skip_each_others_rows(started: int, db: Database) -> None:
    lease = T0 + timedelta(seconds=60)
    with db.engine.connect() as one, db.engine.connect() as two, one.begin():
        first = deliveries.claim(one, worker="w1", limit=3, now=T0, lease_until=lease)
        with two.begin():  # while the first transaction still holds its rows
            second = deliveries.claim(two, worker="w2", limit=5, now=T0, lease_until=lease)
    assert len(first) == 3
    assert len(second) == 2
    assert not {d.id for d in first} & {d.id for d in second}
