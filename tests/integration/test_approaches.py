"""The approaches library: revisions like an issue's, issues that refer to approaches, pins
that keep an approved issue as approved, "update available" for a draft (SQLite and
PostgreSQL)."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from mailer import approaches, issues
from mailer.app import App
from mailer.approaches.editing import ApproachConflict, save_or_conflict
from mailer.core.issue_documents import to_document
from mailer.errors import Conflict, StaleRevision
from tests.integration.issue_support import (
    APPROVER,
    EDITOR,
    LIBRARY,
    Clock,
    inline_sample,
    make_app,
)

CLUBS = "fathers-clubs-kakheti"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db_url: str, tmp_path: Path, clock: Clock) -> Iterator[App]:
    made = make_app(db_url, tmp_path, clock)
    yield made
    made.close()


def clubs_document() -> dict[str, Any]:
    """The sample library's approach the sample's first item refers to."""
    text = (LIBRARY / f"{CLUBS}.toml").read_text(encoding="utf-8")
    return to_document(tomllib.loads(text))


def referring(document: dict[str, Any], slug: str = CLUBS) -> dict[str, Any]:
    """``document`` whose first item refers to approach ``slug`` instead of saying it all."""
    changed = copy.deepcopy(document)
    changed["items"][0] = {"id": changed["items"][0]["id"], "approach": slug}
    return changed


def test_an_approach_keeps_revisions_refuses_stale_saves_and_restores(
    app: App, clock: Clock
) -> None:
    view = approaches.get_approach(app.database, CLUBS)
    assert (view.revision, view.state, view.kind) == (1, "published", "approach")
    assert view.title.startswith("Fathers' clubs in Kakheti")
    assert view.document["organisation"] == "Community organisation, Telavi"
    assert [p for p in view.problems if p.severity == "error"] == []
    changed = copy.deepcopy(dict(view.document))
    changed["content"]["en"]["summary"] = "A shorter summary."
    saved = approaches.save_approach(
        app.database, CLUBS, changed, base_revision=1, by=EDITOR, now=clock.tick()
    )
    assert (saved.revision, saved.changed) == (2, True)
    with pytest.raises(StaleRevision) as refused:
        approaches.save_approach(
            app.database, CLUBS, clubs_document(), base_revision=1, by=APPROVER, now=clock.tick()
        )
    assert (refused.value.current, refused.value.current_by) == (2, EDITOR.email)
    assert "approach 'fathers-clubs-kakheti'" in str(refused.value)
    assert approaches.get_approach(app.database, CLUBS).revision == 2  # nothing stored
    changes = approaches.approach_diff(app.database, CLUBS, 1, 2)
    assert [(c.field, c.language, c.after) for c in changes] == [
        ("content.en.summary", "en", "A shorter summary.")
    ]
    restored = approaches.restore_approach(app.database, CLUBS, 1, by=EDITOR, now=clock.tick())
    assert restored.revision == 3
    assert approaches.get_approach(app.database, CLUBS).document == clubs_document()
    history = approaches.approach_revisions(app.database, CLUBS)
    assert [(r.number, r.author, r.message) for r in history] == [
        (3, EDITOR.email, "restored revision 1"),
        (2, EDITOR.email, None),
        (1, "campaign.toml", f"imported from {LIBRARY / (CLUBS + '.toml')}"),
    ]


def test_an_event_needs_local_times_and_a_zone(app: App, clock: Clock) -> None:
    event = {
        "kind": "event",
        "state": "draft",
        "starts_at": "2027-01-20T14:00",
        "ends_at": "2027-01-20T13:00",
        "timezone": "Europe/Nowhere",
        "registration": "https://example.org/register",
        "content": {"en": {"title": "Webinar: fathers' clubs", "summary": "How to start one."}},
    }
    saved = approaches.create_approach(
        app.database, "webinar-clubs", event, by=EDITOR, now=clock.tick()
    )
    found = {(p.key, p.severity) for p in saved.problems}
    assert ("ends_at", "error") in found
    assert ("timezone", "error") in found
    assert approaches.get_approach(app.database, "webinar-clubs").kind == "event"


def test_an_item_refers_to_an_approach_and_overrides_a_field_for_this_issue(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    document = referring(inline_sample())
    document["items"][0]["content"] = {"en": {"title": "Fathers' clubs (our pick)"}}
    issues.create_issue(desk, "2027-01-digest", document, by=EDITOR, now=clock.tick())
    found = issues.campaign_text(desk, "2027-01-digest")
    assert found.errors == []
    item = found.valid_campaign().items[0]
    assert item.content["en"].title == "Fathers' clubs (our pick)"
    inline = inline_sample()["items"][0]
    assert item.content["en"].summary == inline["content"]["en"]["summary"]
    assert item.content["ru"].title == inline["content"]["ru"]["title"]
    assert item.countries == frozenset({"GE"})
    assert item.link == inline["link"]
    assert "approach =" not in found.text  # the resolved text stands alone
    assert found.pins == {CLUBS: 1}


def test_an_unknown_approach_is_a_lint_error_naming_the_item_and_the_slug(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    document = referring(inline_sample(), "no-such-approach")
    saved = issues.create_issue(desk, "2027-01-digest", document, by=EDITOR, now=clock.tick())
    wrong = [p for p in saved.problems if p.key.endswith(".approach")]
    assert [(p.severity, p.key) for p in wrong] == [
        ("error", "items[0] (fathers-clubs-georgia).approach")
    ]
    assert "'no-such-approach'" in wrong[0].message
    assert wrong[0] in issues.check_issue(desk, "2027-01-digest")


def _edit_summary(app: App, clock: Clock, summary: str) -> None:
    view = approaches.get_approach(app.database, CLUBS)
    changed = copy.deepcopy(dict(view.document))
    changed["content"]["en"]["summary"] = summary
    approaches.save_approach(
        app.database, CLUBS, changed, base_revision=view.revision, by=EDITOR, now=clock.tick()
    )


def test_a_library_edit_leaves_an_approved_issue_and_a_draft_offers_the_update(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    document = referring(inline_sample())
    issues.create_issue(desk, "approved-one", document, by=EDITOR, now=clock.tick())
    issues.create_issue(desk, "draft-one", document, by=EDITOR, now=clock.tick())
    assert issues.approve(desk, "approved-one", 1, by=APPROVER, now=clock.tick()) == "approved"
    before = issues.campaign_text(desk, "approved-one")

    _edit_summary(app, clock, "Edited in the library after approval.")

    after = issues.campaign_text(desk, "approved-one")
    assert after.text == before.text
    assert issues.get_issue(desk, "approved-one").state == "approved"
    assert issues.updates(desk, "approved-one") == [
        issues.ApproachUpdate(CLUBS, 1, 2, EDITOR.email)
    ]
    with pytest.raises(Conflict, match="approved"):
        issues.take_updates(desk, "approved-one", by=EDITOR, now=clock.tick())
    draft = issues.campaign_text(desk, "draft-one")
    assert "Edited in the library" not in draft.text  # pinned until it takes the update
    assert [u.slug for u in issues.updates(desk, "draft-one")] == [CLUBS]

    moved = issues.take_updates(desk, "draft-one", by=EDITOR, now=clock.tick())

    assert [(u.slug, u.pinned, u.current) for u in moved] == [(CLUBS, 1, 2)]
    assert issues.updates(desk, "draft-one") == []
    summary = issues.campaign_text(desk, "draft-one").valid_campaign().items[0].content["en"]
    assert summary.summary == "Edited in the library after approval."
    assert issues.campaign_text(desk, "approved-one").text == before.text


def test_a_scheduled_send_freezes_the_resolved_text(app: App, clock: Clock) -> None:
    desk = app.issue_desk()
    issues.create_issue(
        desk, "approved-one", referring(inline_sample()), by=EDITOR, now=clock.tick()
    )
    issues.approve(desk, "approved-one", 1, by=APPROVER, now=clock.tick())
    approved = issues.campaign_text(desk, "approved-one")
    assert "approach =" not in approved.text
    # the approved text stands alone: it holds the approach's words, not only its slug
    summary = inline_sample()["items"][0]["content"]["en"]["summary"]
    assert approved.own_text is not None
    assert summary not in approved.own_text
    assert summary in approved.text
    campaign = issues.get_issue(desk, "approved-one")
    assert campaign.state == "approved"
    when = clock.tick() + timedelta(days=3)
    issues.schedule(
        desk, "approved-one", send_at=when, by=APPROVER, now=clock.tick(), period_confirmed=True
    )
    _edit_summary(app, clock, "Edited after scheduling.")
    assert issues.get_issue(desk, "approved-one").state == "scheduled"
    assert issues.campaign_text(desk, "approved-one").text == approved.text


def test_an_issue_referring_to_approaches_exports_to_a_folder_that_imports_back_unchanged(
    app: App, clock: Clock, tmp_path: Path, db_url: str
) -> None:
    desk = app.issue_desk()
    issues.create_issue(
        desk, "2027-01-digest", referring(inline_sample()), by=EDITOR, now=clock.tick()
    )
    out = tmp_path / "out"
    file, _number = issues.export_issue(app.database, "2027-01-digest", out)
    assert (out / "approaches" / f"{CLUBS}.toml").is_file()
    again = issues.import_folder(app.database, file.parent, now=clock.tick())
    assert again.outcome == "unchanged"
    done, refused = approaches.import_approaches(app.database, out / "approaches", now=clock.now)
    assert refused == []
    assert [d.outcome for d in done] == ["unchanged"]
    original = issues.campaign_text(desk, "2027-01-digest")

    # a second database (another host) imports the folder with the approaches beside it
    if not db_url.startswith("sqlite"):
        return  # one PostgreSQL database per test: the SQLite run covers a second host
    other = tmp_path / "other"
    other.mkdir()
    second = make_app(f"sqlite:///{other}/mailer.db", other, clock)
    try:
        imported = issues.import_folder(second.database, file.parent, now=clock.tick())
        assert imported.outcome == "created"
        copy_of = issues.campaign_text(second.issue_desk(), "2027-01-digest")
        assert copy_of.text == original.text
        assert copy_of.own_text == original.own_text
        assert approaches.get_approach(second.database, CLUBS).document == clubs_document()
    finally:
        second.close()


def test_an_event_from_the_library_is_an_event_item_with_its_times(app: App, clock: Clock) -> None:
    event = {
        "kind": "event",
        "state": "published",
        "links": ["https://example.org/eeca/webinars/fathers-clubs"],
        "starts_at": "2027-01-20T14:00",
        "ends_at": "2027-01-20T15:30",
        "timezone": "Europe/Belgrade",
        "registration": "https://example.org/eeca/webinars/fathers-clubs/register",
        "content": {
            language: {"title": f"Webinar ({language})", "summary": f"An hour ({language})."}
            for language in ("en", "ru", "ka", "sr")
        },
    }
    approaches.create_approach(app.database, "webinar-clubs", event, by=EDITOR, now=clock.tick())
    document = inline_sample()
    document["items"].append({"id": "webinar", "approach": "webinar-clubs"})
    desk = app.issue_desk()
    issues.create_issue(desk, "2027-01-digest", document, by=EDITOR, now=clock.tick())
    found = issues.campaign_text(desk, "2027-01-digest")
    assert [p for p in found.errors if "webinar" in p.key] == []
    item = found.valid_campaign().items[-1]
    assert item.kind == "event"
    assert item.timing.event is not None
    assert item.timing.event.timezone == "Europe/Belgrade"
    assert 'starts_at = "2027-01-20T14:00"' in found.text


def test_the_editors_unchanged_save_of_a_file_born_approach_makes_no_revision(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    """A file's multi-line summary ends with a line break, which the editor's fields trim: a
    save of the untouched page keeps the text and stores no revision."""
    folder = tmp_path / "library"
    folder.mkdir()
    text = (LIBRARY / f"{CLUBS}.toml").read_text(encoding="utf-8")
    multi = text.replace('summary = "', 'summary = """\n', 1).replace('."\n', '.\n"""\n', 1)
    (folder / "mentors.toml").write_text(multi, encoding="utf-8")
    approaches.import_approaches(app.database, folder, now=clock.now)
    stored = approaches.get_approach(app.database, "mentors").document
    summary = stored["content"]["en"]["summary"]
    assert summary.endswith(".\n")
    as_sent = copy.deepcopy(dict(stored))
    as_sent["content"]["en"]["summary"] = summary.strip()
    saved = save_or_conflict(
        app.database, "mentors", as_sent, base_revision=1, by=EDITOR, now=clock.tick()
    )
    assert not isinstance(saved, ApproachConflict)
    assert (saved.revision, saved.changed) == (1, False)
    assert (
        approaches.get_approach(app.database, "mentors").document["content"]["en"]["summary"]
        == summary
    )
