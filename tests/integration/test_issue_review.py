"""Review and approval, four eyes: roles, who may approve which revision, a save after
approval, send back with a comment, scheduling only when clean and complete (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mailer import issues
from mailer.app import App
from mailer.campaigns import lifecycle
from mailer.campaigns.occurrences import OccurrenceRunner, Planned
from mailer.errors import Conflict, InvalidValue, NotAllowed, StaleRevision
from mailer.issues import Actor
from tests.integration.issue_support import (
    APPROVER,
    EDITOR,
    SECOND,
    Clock,
    make_app,
    sample_document,
)

SLUG = "2027-01-digest"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db_url: str, tmp_path: Path, clock: Clock) -> Iterator[App]:
    made = make_app(db_url, tmp_path, clock)
    yield made
    made.close()


def drafted(app: App, clock: Clock, by: Actor = APPROVER) -> issues.Saved:
    document = sample_document()
    document["period"] = "2027-01"
    return issues.create_issue(app.issue_desk(), SLUG, document, by=by, now=clock.tick())


def test_the_author_cannot_approve_another_approver_can_and_a_save_returns_it_to_draft(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    drafted(app, clock, by=APPROVER)
    with pytest.raises(NotAllowed) as own:
        issues.approve(desk, SLUG, 1, by=APPROVER, now=clock.tick())
    assert "they saved revision 1" in str(own.value)
    assert "web.four_eyes" in str(own.value)
    with pytest.raises(NotAllowed, match="takes the approver role"):
        issues.approve(desk, SLUG, 1, by=EDITOR, now=clock.tick())
    assert issues.get_issue(desk, SLUG).state == "draft"
    assert issues.approve(desk, SLUG, 1, by=SECOND, now=clock.tick()) == "approved"
    view = issues.get_issue(desk, SLUG)
    assert (view.state, view.approved_by) == ("approved", SECOND.email)
    assert lifecycle.status(app.database, SLUG).state == "approved"
    edited = sample_document()
    edited["period"] = "2027-01"
    edited["content"]["en"]["subject"] = "A late change"
    saved = issues.save(desk, SLUG, edited, base_revision=1, by=EDITOR, now=clock.tick())
    assert (saved.revision, saved.state, saved.returned_to_draft) == (2, "draft", True)
    assert issues.get_issue(desk, SLUG).approved_by is None
    # the approval named revision 1's text: revision 2 is not approved anywhere
    current = issues.campaign_text(desk, SLUG)
    assert not lifecycle.approval_stands(app.database, SLUG, current.text)
    with pytest.raises(StaleRevision):
        issues.approve(desk, SLUG, 1, by=SECOND, now=clock.tick())  # not the current one
    assert issues.approve(desk, SLUG, 2, by=APPROVER, now=clock.tick()) == "approved"
    kinds = [(c.revision, c.kind, c.author) for c in issues.comments(desk, SLUG)]
    assert kinds == [(1, "approved", SECOND.email), (2, "approved", APPROVER.email)]


def test_without_four_eyes_the_author_approves(db_url: str, tmp_path: Path, clock: Clock) -> None:
    app = make_app(db_url, tmp_path, clock, web__four_eyes="false")
    try:
        drafted(app, clock, by=APPROVER)
        assert issues.approve(app.issue_desk(), SLUG, 1, by=APPROVER, now=clock()) == "approved"
    finally:
        app.close()


def test_submit_send_back_with_a_comment_and_comments_stay_with_their_revision(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    drafted(app, clock, by=EDITOR)
    with pytest.raises(NotAllowed):
        issues.send_back(desk, SLUG, by=EDITOR, comment="no", now=clock.tick())
    assert issues.submit_for_review(desk, SLUG, by=EDITOR, now=clock.tick()) == "in_review"
    assert issues.get_issue(desk, SLUG).state == "in_review"
    with pytest.raises(Conflict, match="only a draft"):
        issues.submit_for_review(desk, SLUG, by=EDITOR, now=clock.tick())
    with pytest.raises(InvalidValue, match="say what should change"):
        issues.send_back(desk, SLUG, by=APPROVER, comment="  ", now=clock.tick())
    back = issues.send_back(
        desk, SLUG, by=APPROVER, comment="The ka subject is too long", now=clock.tick()
    )
    assert back == "draft"
    issues.comment(desk, SLUG, "Shortened it", by=EDITOR, now=clock.tick())
    edited = sample_document()
    edited["period"] = "2027-01"
    edited["content"]["ka"]["subject"] = "იანვარი"
    issues.save(desk, SLUG, edited, base_revision=1, by=EDITOR, now=clock.tick())
    issues.comment(desk, SLUG, "Better now", by=APPROVER, now=clock.tick())
    on_first = [(c.kind, c.author, c.body) for c in issues.comments(desk, SLUG, 1)]
    assert on_first == [
        ("submitted", EDITOR.email, ""),
        ("sent_back", APPROVER.email, "The ka subject is too long"),
        ("comment", EDITOR.email, "Shortened it"),
    ]
    assert [(c.revision, c.body) for c in issues.comments(desk, SLUG, 2)] == [(2, "Better now")]


def test_a_draft_with_lint_errors_cannot_be_submitted_or_approved(app: App, clock: Clock) -> None:
    desk = app.issue_desk()
    drafted(app, clock, by=EDITOR)
    broken = sample_document()
    broken["period"] = "2027-01"
    broken["content"]["sr"]["subject"] = "Pre\nheader"
    issues.save(desk, SLUG, broken, base_revision=1, by=EDITOR, now=clock.tick())
    with pytest.raises(Conflict, match="1 lint error"):
        issues.submit_for_review(desk, SLUG, by=EDITOR, now=clock.tick())
    with pytest.raises(Conflict, match="content.sr.subject"):
        issues.approve(desk, SLUG, 2, by=APPROVER, now=clock.tick())
    assert issues.get_issue(desk, SLUG).state == "draft"


def test_scheduling_needs_approval_lint_clean_and_every_language_complete(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    document = sample_document()
    del document["series"], document["period"], document["send_at"]
    del document["content"]["ru"]["preheader"]  # lint only warns; scheduling refuses
    issues.create_issue(desk, "launch", document, by=EDITOR, now=clock.tick())
    send_at = clock.now + timedelta(days=3)
    with pytest.raises(Conflict, match="approve it before"):
        issues.schedule(desk, "launch", send_at=send_at, by=APPROVER, now=clock.tick())
    issues.approve(desk, "launch", 1, by=APPROVER, now=clock.tick())
    with pytest.raises(Conflict, match=r"not complete in every language: ru: content.ru.preheader"):
        issues.schedule(desk, "launch", send_at=send_at, by=APPROVER, now=clock.tick())
    with pytest.raises(NotAllowed):
        issues.schedule(desk, "launch", send_at=send_at, by=EDITOR, now=clock.tick())
    document["content"]["ru"]["preheader"] = "Подходы для вашей страны"
    issues.save(desk, "launch", document, base_revision=1, by=EDITOR, now=clock.tick())
    issues.approve(desk, "launch", 2, by=APPROVER, now=clock.tick())
    state = issues.schedule(desk, "launch", send_at=send_at, by=APPROVER, now=clock.tick())
    assert state == "scheduled"
    view = issues.get_issue(desk, "launch")
    assert (view.state, view.send_at) == ("scheduled", send_at)


def test_a_series_finds_the_issue_of_its_period_in_the_database(app: App, clock: Clock) -> None:
    """An issue made in the editor (no folder anywhere) goes out when its period comes."""
    desk = app.issue_desk()
    drafted(app, clock, by=EDITOR)
    planned_at = datetime(2027, 1, 5, 8, 0)
    planned = Planned("digest", "2027-01", planned_at, planned_at + timedelta(hours=6))
    clock.now = planned_at

    def runner() -> OccurrenceRunner:
        return OccurrenceRunner(app.database, None, app.composer, clock)

    early = runner().fire(planned)
    assert early is not None
    assert (early.state, early.detail) == (
        "missed",
        "no approved issue for digest 2027-01 (drafts: 2027-01-digest)",
    )
    issues.approve(desk, SLUG, 1, by=APPROVER, now=clock())
    january = Planned("digest", "2027-01", planned_at, planned_at + timedelta(hours=6))
    clock.now = planned_at + timedelta(minutes=1)
    with app.database.write() as conn:  # a second chance for this period: forget the miss
        conn.exec_driver_sql("DELETE FROM occurrence")
    outcome = runner().fire(january)
    assert outcome is not None
    assert (outcome.state, outcome.slug, outcome.queued) == ("started", SLUG, 3), outcome.detail
    assert issues.get_issue(desk, SLUG).state == "sending"
    with pytest.raises(Conflict, match="frozen since sending started"):
        issues.save(desk, SLUG, sample_document(), base_revision=1, by=EDITOR, now=clock())
