"""The editor's checks and previews of an unsaved draft (SQLite and PostgreSQL): problems by
field, the audience its lists and segment reach, the pick lists, previews per language, per
subscriber and per sample subscriber, with the variant's size against Gmail's clip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailer.app import App
from mailer.errors import NotFound
from mailer.issues import drafts
from tests.integration.issue_support import Clock, make_app, sample_document


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    made = make_app(db_url, tmp_path, Clock())
    yield made
    made.close()


def test_a_draft_check_names_the_field_and_counts_the_audience(app: App) -> None:
    desk = app.issue_desk()
    document = sample_document()
    clean = drafts.check_draft(desk, "2027-01-digest", document)
    assert clean.errors == []
    assert clean.audience == 3
    assert clean.missing == {"en": [], "ru": [], "ka": [], "sr": []}

    del document["content"]["ka"]["subject"]  # the editor leaves out a field left blank
    document["segment"] = "country = 'GE'"
    checked = drafts.check_draft(desk, "2027-01-digest", document)
    assert checked.audience == 1
    assert "content.ka.subject" in checked.missing["ka"]
    assert any(p.key == "content.ka.subject" for p in checked.errors)

    document["segment"] = "country = "
    assert drafts.check_draft(desk, "2027-01-digest", document).audience is None
    document["segment"] = ""
    document["lists"] = ["nobody-has-this-list"]
    wrong = drafts.check_draft(desk, "2027-01-digest", document)
    assert wrong.audience is None
    assert "nobody-has-this-list" in wrong.audience_error


def test_pick_lists_offer_what_subscribers_have(app: App) -> None:
    offered = drafts.choices(app.issue_desk(), app.templates)
    assert offered.lists == ["members"]
    assert {code for code, _ in offered.countries} == {"GE", "RS", "KG"}
    assert "research" in {name for name, _ in offered.interests}
    assert "newsletter" in offered.templates


def test_previews_differ_by_who_reads_and_show_the_clip_budget(app: App) -> None:
    desk = app.issue_desk()
    document = sample_document()
    document["content"]["ka"]["subject"] = "ახალი სათაური"
    cache = drafts.CompiledCache()
    ka = drafts.preview_draft(desk, "x", document, drafts.PreviewAs(language="ka"), cache)
    assert ka.message.subject == "ახალი სათაური"
    assert ka.language == "ka"
    assert len(ka.items) == len(document["items"])
    assert 0 < ka.html_bytes < ka.budget == 102 * 1024

    kyrgyz = drafts.PreviewAs(language="ru", country="KG", interests=frozenset({"research"}))
    serbian = drafts.PreviewAs(language="sr", country="RS", interests=frozenset({"research"}))
    kg = drafts.preview_draft(desk, "x", document, kyrgyz, cache)
    rs = drafts.preview_draft(desk, "x", document, serbian, cache)
    assert "peer-exchange-kg-tm" in kg.items
    assert "peer-exchange-kg-tm" not in rs.items
    assert rs.language == "sr"
    by_mail = drafts.preview_draft(desk, "x", document, drafts.PreviewAs(email="Aibek@example.org"))
    assert by_mail.who == "aibek@example.org"
    assert "peer-exchange-kg-tm" in by_mail.items
    with pytest.raises(NotFound):
        drafts.preview_draft(desk, "x", document, drafts.PreviewAs(email="nobody@example.org"))
    assert [r.email for r in drafts.find_people(desk, "an")] == ["ana@example.org"]
    assert drafts.find_people(desk, "a_") == []
