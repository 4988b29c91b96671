"""The issue editor's "Add from library" as a use case (SQLite and PostgreSQL): what the
drawer offers an issue (not what it already has, nothing archived; the issue's languages
first) and what it suggests (published, complete, not featured in the last six months);
adding an approach saves the draft with an item that refers to it, pinned, and a stale form
is a conflict with nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from mailer import approaches, issues
from mailer.app import App
from mailer.campaigns import lifecycle
from mailer.errors import NotFound
from mailer.issues.catalogue import add_from_library, drawer
from mailer.issues.editing import Conflicting
from tests.integration.issue_support import APPROVER, EDITOR, Clock, make_app, sample_document

CLUBS = "fathers-clubs-kakheti"
OSH = "peer-exchange-osh"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db_url: str, tmp_path: Path, clock: Clock) -> Iterator[App]:
    made = make_app(db_url, tmp_path, clock)
    yield made
    made.close()


def with_items(*slugs: str) -> dict[str, Any]:
    document = sample_document()
    document["items"] = [{"id": s, "approach": s} for s in slugs]
    return document


def offered(app: App, document: dict[str, Any], clock: Clock) -> dict[str, bool]:
    return {e.approach.slug: e.suggested for e in drawer(app.issue_desk(), document, now=clock.now)}


def test_the_drawer_suggests_what_was_not_featured_in_six_months(app: App, clock: Clock) -> None:
    desk = app.issue_desk()
    fresh = offered(app, with_items(), clock)
    assert len(fresh) == 8
    assert fresh[CLUBS] is True
    # an issue with the clubs goes out
    issues.create_issue(desk, "sent-one", with_items(CLUBS), by=EDITOR, now=clock.tick())
    issues.approve(desk, "sent-one", 1, by=APPROVER, now=clock.tick())
    text = issues.campaign_text(desk, "sent-one")
    lifecycle.start(app.database, text.valid_campaign(), text.text, now=clock.tick())
    later = offered(app, with_items(OSH), clock)
    assert OSH not in later  # the issue has it already
    assert later[CLUBS] is False  # featured this month
    first = next(iter(later))
    assert later[first] is True  # suggestions come first
    clock.now += timedelta(days=200)
    assert offered(app, with_items(), clock)[CLUBS] is True


def test_incomplete_and_archived_approaches(app: App, clock: Clock) -> None:
    view = approaches.get_approach(app.database, OSH)
    document = dict(view.document)
    document["state"] = "archived"
    approaches.save_approach(
        app.database, OSH, document, base_revision=view.revision, by=EDITOR, now=clock.tick()
    )
    issue = with_items()
    issue["languages"] = ["en", "xx"]  # nothing in the library is written in xx
    entries = drawer(app.issue_desk(), issue, now=clock.now)
    assert OSH not in [e.approach.slug for e in entries]
    assert all(e.incomplete == ["xx"] for e in entries)
    assert not any(e.suggested for e in entries)


def test_adding_saves_a_referring_item_pinned_and_a_stale_form_stores_nothing(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    issues.create_issue(desk, "2027-01", with_items(OSH), by=EDITOR, now=clock.tick())
    form = with_items(OSH)
    saved = add_from_library(
        desk, "2027-01", form, CLUBS, base_revision=1, by=EDITOR, now=clock.tick()
    )
    assert not isinstance(saved, Conflicting)
    assert saved.revision == 2
    own = issues.get_issue(desk, "2027-01").document["items"]
    assert own[-1] == {"id": CLUBS, "approach": CLUBS}
    found = issues.campaign_text(desk, "2027-01")
    assert found.pins[CLUBS] == approaches.get_approach(app.database, CLUBS).revision
    twice = add_from_library(
        desk,
        "2027-01",
        dict(found.source_document),
        CLUBS,
        base_revision=2,
        by=EDITOR,
        now=clock.tick(),
    )
    assert not isinstance(twice, Conflicting)
    assert [i["id"] for i in issues.get_issue(desk, "2027-01").document["items"]] == [
        OSH,
        CLUBS,
        f"{CLUBS}-2",
    ]
    with pytest.raises(NotFound):
        add_from_library(
            desk, "2027-01", form, "no-such", base_revision=3, by=EDITOR, now=clock.tick()
        )
    stale = add_from_library(
        desk, "2027-01", form, OSH, base_revision=1, by=EDITOR, now=clock.tick()
    )
    assert isinstance(stale, Conflicting)
    assert issues.get_issue(desk, "2027-01").revision == 3
