"""Library approaches as translation units: ids, notes, languages, the set's key, targets
written back, and what a save means for the translations (stale when the source changes)."""

from __future__ import annotations

from typing import Any

import pytest

from mailer.core.approach_units import (
    approach_units,
    approach_written_by_save,
    approaches_bundle,
    languages_of,
    slugs_of_key,
    split_id,
    target_language,
    with_approach_targets,
)
from mailer.core.translation_units import Bundle, Unit, plan_import
from mailer.errors import InvalidValue
from mailer.render.translation_files import read_file, write_file


def document(**content: dict[str, str]) -> dict[str, Any]:
    return {
        "organisation": "Youth centre, Osh",
        "image": "https://example.org/a.jpg",
        "content": {"en": {"title": "Peer exchange", "summary": "Two **weeks**."}, **content},
    }


def test_units_are_the_fields_written_in_english_with_ids_notes_and_limits() -> None:
    units = approach_units("peer-exchange", document(ru={"title": "Обмен"}), "ru")
    assert [u.id for u in units] == [
        "approaches.peer-exchange.title",
        "approaches.peer-exchange.summary",
    ]
    assert (units[0].target, units[0].max_length, units[0].one_line) == ("Обмен", 200, True)
    assert "approach peer-exchange (Youth centre, Osh)" in units[0].note
    with_alt = document()
    with_alt["content"]["en"]["image_alt"] = "Youth workers"
    assert [u.id.rsplit(".", 1)[1] for u in approach_units("p", with_alt, "ka")][-1] == "image_alt"
    del with_alt["image"]
    assert "image_alt" not in {u.id.rsplit(".", 1)[1] for u in approach_units("p", with_alt, "ka")}


def test_target_languages_and_keys_are_checked() -> None:
    assert target_language("sr_latn") == "sr-Latn"
    with pytest.raises(InvalidValue, match="source language"):
        target_language("en")
    with pytest.raises(InvalidValue, match="BCP 47"):
        target_language("k@")
    assert slugs_of_key("a,b-2") == ["a", "b-2"]
    with pytest.raises(InvalidValue, match="slugs"):
        slugs_of_key("a,../etc")
    assert split_id("approaches.a.title") == ("a", "title")
    assert split_id("items.a.title") is None
    assert languages_of(document(ru={"title": "x"}, ka={})) == ["ru", "ka"]


def test_a_bundle_round_trips_through_both_formats_and_plans_like_an_issue() -> None:
    bundle = approaches_bundle({"a": (3, document()), "b": (1, document())}, "ka")
    assert (bundle.kind, bundle.key, bundle.revision) == ("approaches", "a,b", "a@3 b@1")
    for form in ("xliff", "po"):
        back = read_file(write_file(bundle, form).encode(), f"f.{form}")
        assert (back.kind, back.key, [u.id for u in back.units]) == (
            bundle.kind,
            bundle.key,
            [u.id for u in bundle.units],
        )
    filled = Bundle(
        bundle.kind,
        bundle.key,
        bundle.revision,
        "en",
        "ka",
        (
            Unit("approaches.a.summary", "Two **weeks**.", "ორი კვირა."),
            Unit("approaches.z.title", "x", "y"),
        ),
    )
    plan = plan_import(bundle, filled)
    assert [f"{f.where}: {f.message}" for f in plan.errors] == [
        "approaches.a.summary: the translation lost bold (**…**)",
        "approaches.z.title: is not a field of this set of approaches (unknown id); "
        "was it removed?",
    ]


def test_targets_are_written_into_the_language_entry_and_a_save_tells_what_it_did() -> None:
    before = document(ka={"title": "გაცვლა"})
    after = with_approach_targets(before, "ka", {"summary": "ორი **კვირა**."})
    assert after["content"]["ka"] == {"title": "გაცვლა", "summary": "ორი **კვირა**."}
    assert "summary" not in before["content"]["ka"]  # a copy

    written = approach_written_by_save("p", before, after, recorded=[("ka", "title")])
    assert [(w.language, w.id, w.source) for w in written] == [("ka", "summary", "Two **weeks**.")]
    # a source edit: an unrecorded translation is a draft of the old source (so: stale)
    edited = with_approach_targets(before, "en", {"title": "Peer exchange 2027"})
    written = approach_written_by_save("p", before, edited, recorded=[])
    assert [(w.id, w.source, w.target) for w in written] == [("title", "Peer exchange", "გაცვლა")]
    assert approach_written_by_save("p", before, edited, recorded=[("ka", "title")]) == []
