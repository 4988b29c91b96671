"""The translation round trip of a stored issue: export ka as XLIFF 2.0 or PO, fill targets,
import with every check, states per field, scheduling refused while a field is missing or
stale (SQLite and PostgreSQL)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from mailer import issues
from mailer.app import App
from mailer.cli import mailer
from mailer.errors import Conflict, ImportFileError, InvalidValue
from mailer.issues import translations
from tests.conftest import REPO, TEST_SECRET, sendable_text
from tests.integration.issue_support import APPROVER, EDITOR, Clock, inline_sample, make_app

SLUG = "2027-01-digest"
X = "{urn:oasis:names:tc:xliff:document:2.0}"
TITLE = "items.fathers-clubs-georgia.title"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db_url: str, tmp_path: Path, clock: Clock) -> Iterator[App]:
    made = make_app(db_url, tmp_path, clock)
    document = inline_sample()  # the items' words in the issue itself, to be translated
    document["period"] = "2027-01"
    del document["send_at"]
    issues.create_issue(made.issue_desk(), SLUG, document, by=EDITOR, now=clock.tick())
    yield made
    made.close()


def po_with(app: App, targets: dict[str, str], language: str = "ka") -> bytes:
    exported = translations.export_file(app.issue_desk(), SLUG, language, "po")
    po = polib.pofile(exported.text)
    for entry in po:
        if entry.msgctxt in targets:
            entry.msgstr = targets[entry.msgctxt]
    return str(po).encode()


def xliff_with(app: App, targets: dict[str, str], **root: str) -> bytes:
    exported = translations.export_file(app.issue_desk(), SLUG, "ka", "xliff")
    tree = ET.fromstring(exported.text)
    tree.attrib.update(root)
    for unit in tree.iter(f"{X}unit"):
        if unit.get("name") in targets:
            segment = unit.find(f"{X}segment")
            assert segment is not None
            target = segment.find(f"{X}target")
            if target is None:
                target = ET.SubElement(segment, f"{X}target")
            target.text = targets[unit.get("name", "")]
    return ET.tostring(tree, encoding="utf-8", xml_declaration=True)


def ka(app: App) -> dict[str, translations.FieldState]:
    return {f.id: f for f in translations.states(app.issue_desk(), SLUG)["ka"]}


def test_the_export_is_xliff_2_and_po_with_the_source_alongside_and_a_note_per_field(
    app: App,
) -> None:
    xliff = translations.export_file(app.issue_desk(), SLUG, "ka", "xliff")
    assert xliff.name == f"{SLUG}.ka.xlf"
    root = ET.fromstring(xliff.text)
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "en", "ka")
    units = {u.get("name"): u for u in root.iter(f"{X}unit")}
    assert {"content.subject", "content.preheader", "content.intro", TITLE} <= set(units)
    note = units["content.preheader"].find(f"{X}notes/{X}note")
    assert note is not None
    assert "At most 150 characters" in (note.text or "")
    source = units[TITLE].find(f"{X}segment/{X}source")
    assert source is not None
    assert (source.text or "").startswith("Fathers' clubs in Kakheti")

    po = polib.pofile(translations.export_file(app.issue_desk(), SLUG, "ka", "po").text)
    assert po.metadata["Language"] == "ka"
    assert po.metadata["X-Source-Language"] == "en"
    entry = next(e for e in po if e.msgctxt == TITLE)
    assert entry.msgid.startswith("Fathers' clubs")
    assert entry.msgstr
    assert "In item 1 (fathers-clubs-georgia)" in entry.comment


def test_an_imported_target_is_stored_as_a_draft_and_a_dry_run_stores_nothing(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    data = xliff_with(app, {TITLE: "მამათა კლუბები კახეთში"})
    dry = translations.import_file(desk, data, "ka.xlf", by=EDITOR, now=clock.tick(), dry_run=True)
    assert [c.id for c in dry.plan.changes] == [TITLE]
    assert any(line.startswith(f"would change {TITLE}") for line in dry.describe())
    assert issues.get_issue(desk, SLUG).revision == 1

    done = translations.import_file(desk, data, "ka.xlf", by=EDITOR, now=clock.tick())
    assert done.revision == 2
    item = issues.get_issue(desk, SLUG).document["items"][0]
    assert item["content"]["ka"]["title"] == "მამათა კლუბები კახეთში"
    assert ka(app)[TITLE].state == "draft"
    again = translations.import_file(desk, data, "ka.xlf", by=EDITOR, now=clock.tick())
    assert (again.revision, again.plan.changes) == (None, [])


@pytest.mark.parametrize(
    ("targets", "named"),
    [
        ({"items.no-such-item.title": "x"}, "items.no-such-item.title: is not a field"),
        ({"content.intro": "ძვირფასო კოლეგებო"}, "content.intro: the translation lost link to"),
        ({"content.subject": "ერთი\nორი"}, "content.subject: must be one line"),
    ],
)
def test_a_file_with_an_unknown_id_lost_markup_or_a_broken_line_is_refused_whole(
    app: App, clock: Clock, targets: dict[str, str], named: str
) -> None:
    desk = app.issue_desk()
    data = po_with(app, {TITLE: "კარგი სათაური", **targets})
    if "items.no-such-item.title" in targets:
        data += b'\nmsgctxt "items.no-such-item.title"\nmsgid "Gone"\nmsgstr "x"\n'
    done = translations.import_file(desk, data, "ka.po", by=EDITOR, now=clock.tick())
    assert done.refused
    assert any(named in line for line in done.describe()), done.describe()
    assert issues.get_issue(desk, SLUG).revision == 1  # nothing stored, not even the title


def test_a_lost_placeholder_is_named() -> None:
    from mailer.core.translation_units import markup_lost

    assert markup_lost("Hello {name}, see **this**", "გამარჯობა, ნახე **ეს**") == [
        "lost placeholder {name}"
    ]


def test_a_wrong_language_or_another_issue_or_a_malformed_file_is_refused(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    with pytest.raises(InvalidValue, match=r"'de' is not a target language of this issue"):
        translations.import_file(
            desk, xliff_with(app, {}, trgLang="de"), "de.xlf", by=EDITOR, now=clock.tick()
        )
    with pytest.raises(InvalidValue, match="not a target language"):
        translations.import_file(
            desk, xliff_with(app, {}, trgLang="en"), "en.xlf", by=EDITOR, now=clock.tick()
        )
    wrong_source = translations.import_file(
        desk, xliff_with(app, {}, srcLang="ru"), "ru.xlf", by=EDITOR, now=clock.tick()
    )
    assert "error: file: its source language is 'ru'; this needs 'en'" in wrong_source.describe()
    broken = xliff_with(app, {})[:-30]
    with pytest.raises(ImportFileError, match=r"ka.xlf: is not well-formed XML at line \d+"):
        translations.import_file(desk, broken, "ka.xlf", by=EDITOR, now=clock.tick())
    with pytest.raises(ImportFileError, match=r"ka.po: is not a readable PO file.*line 2"):
        translations.import_file(desk, b'msgid "a\nmsgstr', "ka.po", by=EDITOR, now=clock.tick())
    with pytest.raises(InvalidValue, match="is a file of issue '2027-01-digest', not of 'other'"):
        translations.import_file(
            desk, po_with(app, {}), "ka.po", by=EDITOR, now=clock.tick(), slug="other"
        )


def test_a_source_changed_since_export_is_stored_stale_and_reported_as_needing_review(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    data = po_with(app, {TITLE: "ახალი სათაური"})
    document = dict(issues.get_issue(desk, SLUG).document)
    document["items"][0]["content"]["en"]["title"] = "Fathers' clubs in Kakheti and Imereti"
    issues.save(desk, SLUG, document, base_revision=1, by=EDITOR, now=clock.tick())
    done = translations.import_file(desk, data, "ka.po", by=EDITOR, now=clock.tick())
    assert not done.refused
    assert any(f"{TITLE}: needs review" in line for line in done.describe())
    assert ka(app)[TITLE].state == "stale"
    assert ka(app)[TITLE].target == "ახალი სათაური"


def test_a_source_edit_marks_the_translation_stale_and_scheduling_waits_for_review(
    app: App, clock: Clock
) -> None:
    desk = app.issue_desk()
    assert ka(app)[TITLE].state == "draft"  # written in the editor before states were kept
    document = dict(issues.get_issue(desk, SLUG).document)
    document["items"][0]["content"]["en"]["title"] = "Fathers' clubs: twelve evenings"
    issues.save(desk, SLUG, document, base_revision=1, by=EDITOR, now=clock.tick())
    assert ka(app)[TITLE].state == "stale"
    assert translations.states(desk, SLUG)["ru"][3].state == "stale"
    issues.approve(desk, SLUG, 2, by=APPROVER, now=clock.tick())
    send_at = clock.now + timedelta(days=3)
    with pytest.raises(Conflict, match=rf"ka: {TITLE} \(stale\)") as refused:
        issues.schedule(desk, SLUG, send_at=send_at, by=APPROVER, now=clock.tick())
    assert f"ru: {TITLE} (stale)" in str(refused.value)
    for language in ("ru", "ka", "sr"):
        translations.mark_reviewed(desk, SLUG, language, TITLE, by=EDITOR, now=clock.tick())
    assert ka(app)[TITLE].state == "reviewed"
    state = issues.schedule(
        desk, SLUG, send_at=send_at, by=APPROVER, now=clock.tick(), period_confirmed=True
    )
    assert state == "scheduled"


def test_reviewing_a_field_without_a_translation_is_refused(app: App, clock: Clock) -> None:
    desk = app.issue_desk()
    document = dict(issues.get_issue(desk, SLUG).document)
    del document["items"][0]["content"]["ka"]["title"]
    issues.save(desk, SLUG, document, base_revision=1, by=EDITOR, now=clock.tick())
    assert ka(app)[TITLE].state == "missing"
    with pytest.raises(Conflict, match="has no ka text yet"):
        translations.mark_reviewed(desk, SLUG, "ka", TITLE, by=EDITOR, now=clock.tick())


def test_the_commands_export_to_standard_output_and_import_with_dry_run(
    app: App, db_url: str, tmp_path: Path
) -> None:
    runner = CliRunner(
        env={
            "MAILER_DATABASE__URL": db_url,
            "MAILER_SECRETS__KEY": TEST_SECRET,
            "MAILER_PATHS__CAMPAIGNS": str(tmp_path / "campaigns"),
            "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
        }
    )
    base = ["translations"]
    exported = runner.invoke(mailer, [*base, "export", SLUG, "--lang", "ka", "--format", "po"])
    assert exported.exit_code == 0, exported.output
    po = polib.pofile(exported.output)
    next(e for e in po if e.msgctxt == TITLE).msgstr = "სათაური"
    file = tmp_path / "ka.po"
    file.write_text(str(po), encoding="utf-8")
    dry = runner.invoke(mailer, [*base, "import", str(file), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would change {TITLE}" in dry.output
    done = runner.invoke(mailer, [*base, "import", str(file)])
    assert "stored as revision 2" in done.output
    file.write_text(str(po).replace(TITLE, "items.gone.title"), encoding="utf-8")
    refused = runner.invoke(mailer, [*base, "import", str(file)])
    assert refused.exit_code == 2
    assert "items.gone.title: is not a field of this issue" in refused.output


def test_a_folder_import_that_changes_the_source_marks_translations_stale(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    desk = app.issue_desk()
    folder = tmp_path / "campaigns" / "2026-12-digest"
    folder.mkdir(parents=True)
    text = sendable_text(REPO / "campaigns" / "2026-12-digest")  # the items' words inline
    (folder / "campaign.toml").write_text(text, encoding="utf-8")
    issues.import_folder(app.database, folder, now=clock.tick())
    changed = text.replace(
        "Fathers' clubs in Kakheti: ten evenings", "Fathers' clubs in Kakheti: twelve evenings"
    )
    assert changed != text
    (folder / "campaign.toml").write_text(changed, encoding="utf-8")
    issues.import_folder(app.database, folder, now=clock.tick())
    states = {f.id: f.state for f in translations.states(desk, "2026-12-digest")["ka"]}
    assert states[TITLE] == "stale"
    assert states["content.subject"] == "draft"
