"""Translation units and files without a database: XLIFF 2.0 and PO written and read back,
the markup a translation must keep, each field's state, and each check of an import."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import polib
import pytest

from mailer.core.translation_units import (
    Bundle,
    Recorded,
    Unit,
    issue_bundle,
    links_changed,
    markup_lost,
    plan_import,
    text_hash,
    unit_state,
    with_targets,
)
from mailer.errors import ImportFileError, InvalidValue
from mailer.render.translation_files import read_file, write_file

DOCUMENT = {
    "languages": ["en", "sr-latn", "ka"],
    "content": {
        "en": {
            "subject": "Hello {name}",
            "preheader": "Approaches for you",
            "intro": "See **this** and [that](https://example.org/a), *now*.",
        },
        "ka": {"subject": "გამარჯობა {name}"},
    },
    "items": [
        {"id": "clubs", "image": "a.png", "content": {"en": {"title": "Clubs", "summary": "S"}}},
        {"content": {"en": {"title": "No id"}}},
    ],
}


def bundle(language: str = "ka") -> Bundle:
    return issue_bundle("2027-01-digest", 3, DOCUMENT, language)


def test_units_have_stable_ids_and_only_fields_with_a_source() -> None:
    ids = [u.id for u in bundle().units]
    assert ids == [
        "content.subject",
        "content.preheader",
        "content.intro",
        "items.clubs.title",
        "items.clubs.summary",
        "items.#2.title",
    ]  # no image_alt: its source is empty
    assert bundle("sr-Latn").target_language == "sr-Latn"
    with pytest.raises(InvalidValue, match=r"'en' is not a target language .*targets: sr-Latn, ka"):
        bundle("en")


@pytest.mark.parametrize("form", ["xliff", "po"])
def test_a_file_reads_back_as_the_bundle_it_was_written_from(form: str) -> None:
    written = write_file(bundle(), form)
    back = read_file(written.encode(), f"f.{form}")
    assert back.units == tuple(Unit(u.id, u.source, u.target) for u in bundle().units)
    assert (back.kind, back.key, back.revision) == ("issue", "2027-01-digest", "3")
    assert (back.source_language, back.target_language) == ("en", "ka")


def test_the_xliff_is_2_0_with_a_note_per_unit_and_ids_that_are_nmtokens() -> None:
    root = ET.fromstring(write_file(bundle(), "xliff", {"content.subject": "stale"}))
    x = "{urn:oasis:names:tc:xliff:document:2.0}"
    assert root.tag == f"{x}xliff"
    assert root.attrib == {"version": "2.0", "srcLang": "en", "trgLang": "ka"}
    units = list(root.iter(f"{x}unit"))
    assert all(u.find(f"{x}notes/{x}note") is not None for u in units)
    assert units[-1].attrib == {"id": "u6", "name": "items.#2.title"}
    states = [u.find(f"{x}segment").get("state") for u in units]  # type: ignore[union-attr]
    assert states[:2] == ["translated", "initial"]


def test_the_po_opens_with_polib_and_marks_a_stale_target_fuzzy() -> None:
    po = polib.pofile(write_file(bundle(), "po", {"content.subject": "stale"}))
    assert po.metadata["Language"] == "ka"
    subject = po[0]
    assert (subject.msgctxt, subject.msgid, subject.msgstr) == (
        "content.subject",
        "Hello {name}",
        "გამარჯობა {name}",
    )
    assert subject.fuzzy
    assert "one line" in subject.comment


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "f: is empty"),
        (b"\xff\xfe", "is not UTF-8"),
        (b"<xliff", "not well-formed XML at line 1"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x/>', "has a DOCTYPE"),
        (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>', "root element"),
        (b"just words", "neither XLIFF 2.0 nor a PO file"),
        (b'msgid "a\nmsgstr\n', "not a readable PO file: Syntax error in po file .line 2."),
        (b'msgid ""\nmsgstr "Language: ka\\n"\n\nmsgid "a"\nmsgstr "b"\n', "no msgctxt id"),
        (b'msgid ""\nmsgstr "Language: ka\\n"\n', "does not say its source language"),
    ],
)
def test_a_malformed_file_is_refused_naming_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_file(data, "f")


def test_markup_and_placeholders_a_translation_must_keep() -> None:
    source = DOCUMENT["content"]["en"]["intro"]  # type: ignore[index]
    assert markup_lost(source, "Voir **ceci** et [cela](https://example.org/a), *vite*.") == []
    assert markup_lost(source, "Voir ceci et cela, *vite*.") == [
        "lost link to https://example.org/a",
        "lost bold (**…**)",
    ]
    localised = "Voir **ceci** et [cela](https://example.org/fr/a), *vite*."
    assert markup_lost(source, localised) == []  # a page in the reader's language is fine
    assert links_changed(source, localised) == ["https://example.org/a → https://example.org/fr/a"]
    assert markup_lost("Hi {name}", "Salut") == ["lost placeholder {name}"]


def test_a_state_is_computed_from_what_was_recorded() -> None:
    unit = Unit("content.subject", "Hello", "გამარჯობა")
    reviewed = Recorded("reviewed", text_hash("Hello"), text_hash("გამარჯობა"))
    assert unit_state(Unit("x", "Hello", " "), reviewed) == "missing"
    assert unit_state(unit, None) == "draft"
    assert unit_state(unit, reviewed) == "reviewed"
    assert unit_state(Unit("x", "Hello", "სხვა"), reviewed) == "draft"  # edited since review
    assert unit_state(Unit("x", "Hello!", "გამარჯობა"), reviewed) == "stale"


def test_an_import_plan_names_each_problem_and_where() -> None:
    current = bundle()
    units = {u.id: u for u in current.units}
    incoming = Bundle(
        "issue",
        "2027-01-digest",
        "3",
        "en",
        "ka",
        (
            Unit("content.subject", "Hello {name}", "გამარჯობა"),
            Unit("content.preheader", "Approaches (old)", "მიდგომები"),
            Unit("items.gone.title", "Gone", "x"),
            Unit("items.clubs.title", "Clubs", "კლუბები\nორი"),
            Unit("items.clubs.summary", "S", ""),
        ),
    )
    plan = plan_import(current, incoming)
    found = [(f.severity, f.where, f.message.split(":")[0]) for f in plan.findings]
    assert found == [
        ("error", "content.subject", "the translation lost placeholder {name}"),
        ("warning", "content.preheader", "needs review"),
        ("error", "items.gone.title", "is not a field of this issue (unknown id); was it removed?"),
        ("error", "items.clubs.title", "must be one line; it has a line break"),
    ]
    assert plan.untranslated == ["items.clubs.summary"]
    assert [c.id for c in plan.changes if c.needs_review] == ["content.preheader"]
    assert units["content.preheader"].max_length == 150
    other = plan_import(current, Bundle("issue", "other", "1", "en", "ru", ()))
    assert [f.message for f in other.errors] == [
        "is for issue 'other', not issue '2027-01-digest'",
        "its target language is 'ru'; this needs 'ka'",
    ]


def test_targets_go_into_the_document_under_its_own_tag() -> None:
    out = with_targets(
        DOCUMENT, "sr-Latn", {"items.#2.title": "Bez id", "content.subject": "Zdravo"}
    )
    assert out["items"][1]["content"]["sr-Latn"] == {"title": "Bez id"}
    assert out["content"]["sr-Latn"] == {"subject": "Zdravo"}
    assert "sr-Latn" not in DOCUMENT["content"]  # type: ignore[operator]


def test_a_save_records_what_it_wrote_and_the_source_an_unrecorded_translation_had() -> None:
    from mailer.core.translation_units import Written, written_by_save

    after = {
        "languages": ["en", "ka"],
        "content": {
            "en": {"subject": "New subject", "preheader": "Same"},
            "ka": {"subject": "ძველი", "preheader": "იგივე ახალი"},
        },
    }
    before = {
        "languages": ["en", "ka"],
        "content": {
            "en": {"subject": "Old subject", "preheader": "Same"},
            "ka": {"subject": "ძველი", "preheader": "იგივე"},
        },
    }
    assert written_by_save(before, after, []) == [
        Written("ka", "content.subject", "Old subject", "ძველი"),  # stale from now on
        Written("ka", "content.preheader", "Same", "იგივე ახალი"),  # a new draft
    ]
    assert written_by_save(before, after, [("ka", "content.subject")]) == [
        Written("ka", "content.preheader", "Same", "იგივე ახალი")
    ]
