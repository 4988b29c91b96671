"""An issue's document: its JSON form, completeness per language, diffs, its campaign.toml
text (tomlkit), and the workflow's rules."""

from __future__ import annotations

import copy
import tomllib
from datetime import datetime
from typing import Any

import pytest

from mailer.campaigns import source
from mailer.core.issue_diff import diff_documents
from mailer.core.issue_documents import as_stored, missing_by_language, to_document
from mailer.core.issue_workflow import issue_state, may
from mailer.core.toml_text import to_toml
from mailer.errors import InvalidValue
from tests.conftest import REPO

SAMPLE_TEXT = (REPO / "campaigns" / "2026-12-digest" / "campaign.toml").read_text("utf-8")


def sample() -> dict[str, object]:
    return to_document(tomllib.loads(SAMPLE_TEXT))


def inline() -> dict[str, Any]:
    """The sample with its items' approaches resolved from the sample library."""
    found, _problems = source.read(REPO / "campaigns" / "2026-12-digest")
    assert found is not None
    return copy.deepcopy(dict(found.document))


def test_toml_dates_become_iso_text_and_what_json_cannot_hold_is_named() -> None:
    data = tomllib.loads('send_at = 2026-12-01T09:00:00\n[content.en]\nsubject = "x"\n')
    assert to_document(data) == {
        "send_at": "2026-12-01T09:00:00",
        "content": {"en": {"subject": "x"}},
    }
    assert to_document({"when": datetime(2026, 1, 2, 3, 4)})["when"] == "2026-01-02T03:04:00"
    with pytest.raises(InvalidValue) as nan:
        to_document({"min_items": float("nan")})
    assert nan.value.field == "min_items"
    with pytest.raises(InvalidValue) as nul:
        to_document({"items": [{"id": "a\x00"}]})
    assert nul.value.field == "items[0].id"


def test_missing_by_language_names_what_each_language_lacks() -> None:
    document = inline()
    assert missing_by_language(document) == {"en": [], "ru": [], "ka": [], "sr": []}
    content = document["content"]
    assert isinstance(content, dict)
    del content["ka"]
    content["sr"]["preheader"] = "  "
    items = document["items"]
    assert isinstance(items, list)
    del items[0]["content"]["ru"]["image_alt"]
    missing = missing_by_language(document)
    assert missing["ka"] == ["content.ka.subject", "content.ka.preheader", "content.ka.intro"]
    assert missing["sr"] == ["content.sr.preheader"]
    assert missing["ru"] == ["items[0] (fathers-clubs-georgia).content.ru.image_alt"]
    assert missing_by_language({"languages": "en"}) == {}


def test_diff_matches_items_by_id_and_names_fields_per_language() -> None:
    before = inline()
    after = copy.deepcopy(before)
    items = after["items"]
    assert isinstance(items, list)
    items.insert(0, items.pop(2))
    items[1]["countries"] = ["GE", "AZ"]
    items[0]["content"]["ru"]["title"] = "Новое"
    del after["min_items"]
    changes = {c.field: c for c in diff_documents(before, after)}
    moved = items[0]["id"]
    assert set(changes) == {
        "items[1] (fathers-clubs-georgia).countries",
        f"items[0] ({moved}).content.ru.title",
        "min_items",
        "items (order)",
    }
    assert changes[f"items[0] ({moved}).content.ru.title"].language == "ru"
    assert changes["items[1] (fathers-clubs-georgia).countries"].after == '["GE", "AZ"]'
    assert changes["min_items"].kind == "removed"
    assert changes["items (order)"].after.split("\n")[0] == moved  # type: ignore[union-attr]


def test_toml_text_of_an_unchanged_document_is_the_original_and_an_edit_keeps_the_rest() -> None:
    assert to_toml(sample(), SAMPLE_TEXT) == SAMPLE_TEXT
    edited = sample()
    content = edited["content"]
    assert isinstance(content, dict)
    content["en"]["intro"] = 'Two\nlines with """ quotes'
    edited["tracking"] = True
    text = to_toml(edited, SAMPLE_TEXT)
    assert to_document(tomllib.loads(text)) == edited
    assert text.count("\n# ") == SAMPLE_TEXT.count("\n# ")  # every comment kept
    fresh = to_toml(edited)
    assert to_document(tomllib.loads(fresh)) == edited
    assert fresh.index("[content.en]") < fresh.index("[[items]]")
    assert 'fallback = {sr-Latn = "sr"' in fresh
    with pytest.raises(InvalidValue, match="campaign.toml"):
        to_toml({"lists": None})


def test_saves_one_after_another_and_two_from_one_base_each_keep_the_comments() -> None:
    """The editor saves every few seconds, each from the text the previous save wrote (the
    process keeps that text's tree); two people may also save from the same base."""
    base, document = SAMPLE_TEXT, sample()
    for n in range(4):
        document = copy.deepcopy(document)
        document["content"]["en"]["preheader"] = f"Typed {n}"  # type: ignore[index]
        if n == 2:
            document["items"].append({"id": "new", "link": "https://example.org/"})  # type: ignore[attr-defined]
        if n == 3:
            del document["items"][-1]  # type: ignore[attr-defined]
        text = to_toml(document, base)
        assert to_document(tomllib.loads(text)) == document
        if n < 2:  # an item added rewrites [[items]] (comments between items go)
            assert text.count("\n# ") == SAMPLE_TEXT.count("\n# ")
        other = copy.deepcopy(document)
        other["content"]["ka"]["subject"] = f"Theirs {n}"  # type: ignore[index]
        theirs = to_toml(other, base)  # from the same base: that text's tree was taken
        assert to_document(tomllib.loads(theirs)) == other
        assert to_toml(document, base) == text  # and again: the same text
        base = text


def test_roles_are_ranked_and_state_follows_the_approved_hash() -> None:
    assert may("editor", "edit")
    assert not may("editor", "approve")
    assert may("approver", "approve")
    assert may("admin", "approve")
    assert not may("approver", "manage staff accounts")
    assert not may("owner", "edit")
    assert issue_state("in_review", None, None, "h1") == "in_review"
    assert issue_state("draft", "approved", "h1", "h1") == "approved"
    assert issue_state("draft", "scheduled", "h0", "h1") == "draft"  # saved since
    assert issue_state("draft", "sending", "h0", "h1") == "sending"
    assert issue_state("draft", None, None, "h1", file_approval="h1") == "approved"


def test_as_stored_keeps_what_a_form_only_says_differently() -> None:
    old = {
        "languages": ["ru", "en"],
        "content": {"en": {"intro": "Dear colleagues.\n", "subject": "December"}},
        "items": [{"id": "a", "interests": ["youth", "research"], "countries": ["GE", "KG"]}],
    }
    new = {
        "languages": ["en", "ru"],  # an order that means something: the new one stays
        "content": {"en": {"intro": "Dear colleagues.", "subject": "January"}},
        "items": [{"id": "a", "interests": ["research", "youth"], "countries": ["KG"]}],
    }
    assert as_stored(new, old) == {
        "languages": ["en", "ru"],
        "content": {"en": {"intro": "Dear colleagues.\n", "subject": "January"}},
        "items": [{"id": "a", "interests": ["youth", "research"], "countries": ["KG"]}],
    }
    assert as_stored(new, {}) == new
