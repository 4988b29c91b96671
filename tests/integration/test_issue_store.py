"""Issues in the database: create, save, stale saves refused, problems returned, history,
diff and restore (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailer import issues
from mailer.app import App
from mailer.errors import Conflict, InvalidValue, NotFound, StaleRevision
from tests.conftest import table_count
from tests.integration.issue_support import (
    EDITOR,
    Clock,
    inline_sample,
    make_app,
    sample_document,
)
from tests.waiting import PATIENCE


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db_url: str, tmp_path: Path, clock: Clock) -> Iterator[App]:
    made = make_app(db_url, tmp_path, clock)
    yield made
    made.close()


def created(app: App, clock: Clock, slug: str = "2027-01-digest") -> issues.Saved:
    return issues.create_issue(
        app.issue_desk(), slug, sample_document(), by=EDITOR, now=clock.tick()
    )


def test_create_then_save_makes_numbered_revisions_and_get_shows_the_current(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    first = created(app, clock)
    assert (first.revision, first.state, first.changed) == (1, "draft", True)
    assert [p for p in first.problems if p.severity == "error"] == []
    changed = sample_document()
    changed["content"]["ka"]["subject"] = "იანვრის გამოცემა"
    second = issues.save(
        desk, "2027-01-digest", changed, base_revision=1, by=EDITOR, now=clock.tick()
    )
    assert (second.revision, second.changed, second.returned_to_draft) == (2, True, False)
    view = issues.get_issue(desk, "2027-01-digest")
    assert (view.slug, view.state, view.revision) == ("2027-01-digest", "draft", 2)
    assert view.document == changed
    assert view.author == EDITOR.email
    assert view.as_json()["revision"] == 2
    assert issues.campaign_text(desk, "2027-01-digest").campaign.content["ka"].subject == (  # type: ignore[union-attr]
        "იანვრის გამოცემა"
    )
    assert [s.slug for s in issues.list_issues(desk)] == ["2027-01-digest"]
    assert issues.list_issues(desk)[0].subject.startswith("December digest")
    with pytest.raises(Conflict, match="exists already"):
        created(app, clock)
    with pytest.raises(InvalidValue, match="slug"):
        created(app, clock, slug="Not A Slug")


def test_a_stale_save_is_refused_with_the_current_revision_and_stores_nothing(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    created(app, clock)
    mine, theirs = sample_document(), sample_document()
    theirs["content"]["en"]["subject"] = "Their subject"
    issues.save(desk, "2027-01-digest", theirs, base_revision=1, by=EDITOR, now=clock.tick())
    mine["content"]["en"]["subject"] = "My subject"
    with pytest.raises(StaleRevision) as refused:
        issues.save(desk, "2027-01-digest", mine, base_revision=1, by=EDITOR, now=clock.tick())
    assert (refused.value.base, refused.value.current) == (1, 2)
    assert refused.value.current_by == EDITOR.email
    assert "nothing was saved" in str(refused.value)
    assert table_count(app.database, "issue_revision") == 2
    assert issues.get_issue(desk, "2027-01-digest").document["content"]["en"]["subject"] == (
        "Their subject"
    )


def test_two_saves_from_the_same_revision_at_once_one_wins(app: App, clock: Clock) -> None:
    desk = app.issue_desk()
    created(app, clock)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(subject: str) -> None:
        document = sample_document()
        document["content"]["en"]["subject"] = subject
        barrier.wait(timeout=PATIENCE)
        try:
            issues.save(desk, "2027-01-digest", document, base_revision=1, by=EDITOR, now=clock())
            outcomes.append("saved")
        except StaleRevision:
            outcomes.append("stale")

    threads = [threading.Thread(target=save, args=(f"Subject {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PATIENCE)
    assert sorted(outcomes) == ["saved", "stale"]
    assert [r.number for r in issues.revisions(desk, "2027-01-digest")] == [2, 1]


def test_a_draft_with_problems_saves_and_the_problems_come_back(app: App, clock: Clock) -> None:
    desk = app.issue_desk()
    created(app, clock)
    broken = sample_document()
    broken["content"]["ka"]["subject"] = ""
    broken["items"][0]["interests"] = ["basket weaving"]
    broken["approved"] = True  # a save never approves
    saved = issues.save(desk, "2027-01-digest", broken, base_revision=1, by=EDITOR, now=clock())
    assert saved.revision == 2
    found = {(p.severity, p.key, p.message) for p in saved.problems}
    assert ("error", "content.ka.subject", "is missing") not in found  # present but empty
    assert any(key == "items[0] (fathers-clubs-georgia).interests" for _, key, _ in found)
    assert any(key == "approved" and severity == "warning" for severity, key, _ in found)
    view = issues.get_issue(desk, "2027-01-digest")
    assert view.document["approved"] is False
    assert "content.ka.subject" in view.missing["ka"]
    assert not view.complete
    assert {p.key for p in view.problems} >= {"items[0] (fathers-clubs-georgia).interests"}


def test_saving_the_same_document_again_stores_nothing(app: App, clock: Clock) -> None:
    desk = app.issue_desk()
    created(app, clock)
    again = issues.save(
        desk, "2027-01-digest", sample_document(), base_revision=1, by=EDITOR, now=clock.tick()
    )
    assert (again.revision, again.changed) == (1, False)
    assert table_count(app.database, "issue_revision") == 1


def test_what_a_database_cannot_hold_is_refused_by_name(app: App, clock: Clock) -> None:
    desk = app.issue_desk()
    created(app, clock)
    nul = sample_document()
    nul["content"]["sr"]["intro"] = "before\x00after"
    with pytest.raises(InvalidValue) as refused:
        issues.save(desk, "2027-01-digest", nul, base_revision=1, by=EDITOR, now=clock())
    assert refused.value.field == "content.sr.intro"
    deep: dict[str, object] = {}
    inner = deep
    for _ in range(40):
        inner["a"] = {}
        inner = inner["a"]  # type: ignore[assignment]
    with pytest.raises(InvalidValue, match="nested more than"):
        issues.save(desk, "2027-01-digest", deep, base_revision=1, by=EDITOR, now=clock())
    huge = sample_document()
    huge["content"]["en"]["intro"] = "word " * 300_000
    with pytest.raises(InvalidValue, match="an issue is at most"):
        issues.save(desk, "2027-01-digest", huge, base_revision=1, by=EDITOR, now=clock())
    assert table_count(app.database, "issue_revision") == 1


def test_history_diff_per_field_and_language_and_restore_as_a_new_revision(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    issues.create_issue(desk, "2027-01-digest", inline_sample(), by=EDITOR, now=clock.tick())
    second = inline_sample()  # an item's words written out in the issue itself
    second["content"]["ka"]["subject"] = "ახალი სათაური"
    second["items"][1]["content"]["en"]["summary"] = "A <script>alert(1)</script> summary"
    second["segment"] = "country in (GE, KG)"
    issues.save(
        desk,
        "2027-01-digest",
        second,
        base_revision=1,
        by=EDITOR,
        now=clock.tick(),
        message="ka subject",
    )
    third = copy.deepcopy(second)
    third["items"] = [third["items"][1], third["items"][0], *third["items"][2:]]
    issues.save(desk, "2027-01-digest", third, base_revision=2, by=EDITOR, now=clock.tick())
    history = issues.revisions(desk, "2027-01-digest")
    assert [(r.number, r.author, r.message) for r in history] == [
        (3, EDITOR.email, None),
        (2, EDITOR.email, "ka subject"),
        (1, EDITOR.email, None),
    ]
    changes = {c.field: c for c in issues.diff(desk, "2027-01-digest", 1, 3)}
    assert set(changes) == {
        "content.ka.subject",
        "items[0] (peer-exchange-kg-tm).content.en.summary",
        "segment",
        "items (order)",
    }
    subject = changes["content.ka.subject"]
    assert (subject.language, subject.kind, subject.after) == ("ka", "changed", "ახალი სათაური")
    assert changes["segment"].kind == "added"
    summary = changes["items[0] (peer-exchange-kg-tm).content.en.summary"]
    table = issues.html_table(summary, before="revision 1", after="revision 3")
    assert "<script>" not in table
    assert "&lt;script&gt;" in table
    assert "revision 1" in table
    assert issues.diff(desk, "2027-01-digest", 3, 3) == []
    restored = issues.restore(desk, "2027-01-digest", 1, by=EDITOR, now=clock.tick())
    assert restored.revision == 4
    first = issues.revision(desk, "2027-01-digest", 1)
    assert issues.revision(desk, "2027-01-digest", 4).text == first.text  # exactly
    assert issues.diff(desk, "2027-01-digest", 1, 4) == []
    assert issues.revisions(desk, "2027-01-digest")[0].message == "restored revision 1"
    with pytest.raises(StaleRevision):
        issues.restore(desk, "2027-01-digest", 2, base_revision=3, by=EDITOR, now=clock.tick())
    with pytest.raises(NotFound):
        issues.revision(desk, "2027-01-digest", 9)


def test_a_new_issue_starts_like_the_newest_with_its_title_as_subject(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    first = issues.start_issue(desk, "2027-01-digest", "  January  ", by=EDITOR, now=clock.tick())
    view = issues.get_issue(desk, "2027-01-digest")
    assert (first.revision, view.state) == (1, "draft")
    assert view.document["languages"] == ["en"]
    assert view.document["content"] == {"en": {"subject": "January"}}
    assert issues.revisions(desk, "2027-01-digest")[0].message == "new issue"
    created(app, clock, "2027-02-digest")
    issues.start_issue(desk, "2027-03-digest", "March", by=EDITOR, now=clock.tick())
    march = issues.get_issue(desk, "2027-03-digest").document
    sample = sample_document()
    assert (march["languages"], march["lists"]) == (sample["languages"], sample["lists"])
    assert march["fallback"] == sample["fallback"]
    assert march["content"] == {sample["languages"][0]: {"subject": "March"}}
    assert march["items"] == []
    with pytest.raises(InvalidValue, match="title"):
        issues.start_issue(desk, "2027-04-digest", "   ", by=EDITOR, now=clock.tick())
    with pytest.raises(Conflict):
        issues.start_issue(desk, "2027-03-digest", "Again", by=EDITOR, now=clock.tick())
