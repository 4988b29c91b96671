"""The translation round trip of a set of library approaches: export ka as XLIFF 2.0 or PO,
fill targets, import with every check (one new revision per approach, its author recorded),
states per field, an approach save marking its translations stale (SQLite and PostgreSQL)."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from click.testing import CliRunner

from mailer import approaches
from mailer.app import App
from mailer.approaches import translations
from mailer.cli import mailer
from mailer.core.issue_documents import to_document
from mailer.errors import Conflict, ImportFileError, InvalidValue, NotFound
from mailer.issues import translations as issue_translations
from tests.conftest import REPO, TEST_SECRET
from tests.integration.issue_support import EDITOR, LIBRARY, SECOND, Clock, make_app

CLUBS = "fathers-clubs-kakheti"
OSH = "peer-exchange-osh"
DRAFT = "school-curriculum-serbia"
X = "{urn:oasis:names:tc:xliff:document:2.0}"
TITLE = f"approaches.{CLUBS}.title"
SUMMARY = f"approaches.{CLUBS}.summary"
OSH_TITLE = f"approaches.{OSH}.title"
LINK = "https://example.org/eeca/fathers"


def library_document(slug: str, **changes: Any) -> dict[str, Any]:
    """A sample library approach without its Georgian (``ka`` is to be translated)."""
    text = (LIBRARY / f"{slug}.toml").read_text(encoding="utf-8")
    document = to_document(tomllib.loads(text))
    del document["content"]["ka"]
    document.update(changes)
    return document


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db_url: str, tmp_path: Path, clock: Clock) -> Iterator[App]:
    made = make_app(db_url, tmp_path, clock)
    clubs = library_document(CLUBS)
    clubs["content"]["en"]["summary"] = (
        f"Fathers meet on **ten evenings**; see [the guide]({LINK})."
    )
    for slug, document in (
        (CLUBS, clubs),
        (OSH, library_document(OSH)),
        (DRAFT, library_document(DRAFT, state="draft")),
    ):
        base = approaches.get_approach(made.database, slug).revision  # the sample library's
        approaches.save_approach(
            made.database, slug, document, base_revision=base, by=EDITOR, now=clock.tick()
        )
    yield made
    made.close()


def export(app: App, form: str, slugs: list[str] | None = None, language: str = "ka") -> str:
    return translations.export_file(app.database, slugs or [CLUBS, OSH], language, form).text


def po_with(app: App, targets: dict[str, str]) -> bytes:
    po = polib.pofile(export(app, "po"))
    for entry in po:
        if entry.msgctxt in targets:
            entry.msgstr = targets[entry.msgctxt]
    return str(po).encode()


def xliff_with(app: App, targets: dict[str, str], **root: str) -> bytes:
    tree = ET.fromstring(export(app, "xliff"))
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


def ka(app: App, slug: str = CLUBS) -> dict[str, str]:
    return {f.id: f.state for f in translations.states(app.database, [slug])[slug]["ka"]}


def revision(app: App, slug: str = CLUBS) -> int:
    return approaches.get_approach(app.database, slug).revision


def test_the_export_is_xliff_2_and_po_with_the_source_alongside_and_a_note_per_field(
    app: App,
) -> None:
    xliff = translations.export_file(app.database, [CLUBS, OSH], "ka", "xliff")
    assert xliff.name == "approaches-2.ka.xlf"
    root = ET.fromstring(xliff.text)
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "en", "ka")
    meta = {m.get("type"): m.text for m in root.iter("{urn:oasis:names:tc:xliff:metadata:2.0}meta")}
    assert meta == {"kind": "approaches", "key": f"{CLUBS},{OSH}", "revision": f"{CLUBS}@2 {OSH}@2"}
    units = {u.get("name"): u for u in root.iter(f"{X}unit")}
    assert set(units) == {
        f"approaches.{s}.{f}" for s in (CLUBS, OSH) for f in ("title", "summary", "image_alt")
    }
    note = units[TITLE].find(f"{X}notes/{X}note")
    assert note is not None
    assert "approach fathers-clubs-kakheti" in (note.text or "")
    assert "At most 200 characters" in (note.text or "")
    source = units[TITLE].find(f"{X}segment/{X}source")
    assert source is not None
    assert (source.text or "").startswith("Fathers' clubs in Kakheti")
    assert units[TITLE].find(f"{X}segment/{X}target") is None  # ka not written yet

    po = polib.pofile(export(app, "po"))
    assert (po.metadata["Language"], po.metadata["X-Source-Language"]) == ("ka", "en")
    assert po.metadata["X-Mailer-Kind"] == "approaches"
    entry = next(e for e in po if e.msgctxt == TITLE)
    assert entry.msgid.startswith("Fathers' clubs")
    assert entry.msgstr == ""
    assert "approach's card" in entry.comment


def test_all_approaches_means_every_published_one_and_unknown_slugs_are_named(app: App) -> None:
    everything = translations.export_file(app.database, None, "ka", "po")
    keys = {e.msgctxt.split(".")[1] for e in polib.pofile(everything.text)}
    assert {CLUBS, OSH} <= keys
    assert DRAFT not in keys  # a draft is left out
    assert everything.name == "approaches-7.ka.po"  # the sample library's published ones
    one = translations.export_file(app.database, [DRAFT], "ru", "xliff")  # named: exported
    assert one.name == f"{DRAFT}.ru.xlf"
    with pytest.raises(NotFound, match="no-such"):
        translations.export_file(app.database, [CLUBS, "no-such"], "ka", "xliff")
    with pytest.raises(InvalidValue, match="source language"):
        translations.export_file(app.database, [CLUBS], "en", "xliff")
    with pytest.raises(InvalidValue, match="not a valid BCP 47"):
        translations.export_file(app.database, [CLUBS], "k@", "xliff")


def test_an_import_stores_one_revision_per_approach_with_its_author_and_drafts(
    app: App, clock: Clock
) -> None:
    data = xliff_with(app, {TITLE: "მამათა კლუბები კახეთში", OSH_TITLE: "ოში"})
    dry = translations.import_file(
        app.database, data, "ka.xlf", by=EDITOR, now=clock.tick(), dry_run=True
    )
    assert [c.id for c in dry.plan.changes] == [TITLE, OSH_TITLE]
    assert any(line.startswith(f"would change {TITLE}") for line in dry.describe())
    assert (revision(app), revision(app, OSH)) == (2, 2)

    done = translations.import_file(app.database, data, "ka.xlf", by=SECOND, now=clock.tick())
    assert done.revisions == {CLUBS: 3, OSH: 3}
    assert f"stored as {CLUBS} revision 3, {OSH} revision 3" in done.describe()[-1]
    view = approaches.get_approach(app.database, CLUBS)
    assert view.document["content"]["ka"] == {"title": "მამათა კლუბები კახეთში"}
    assert view.author == SECOND.email
    history = approaches.approach_revisions(app.database, CLUBS)
    assert history[0].message == "translation (ka) imported from ka.xlf"
    assert ka(app)[TITLE] == "draft"
    assert ka(app)[SUMMARY] == "missing"
    again = translations.import_file(app.database, data, "ka.xlf", by=EDITOR, now=clock.tick())
    assert (again.revisions, again.plan.changes) == ({}, [])


@pytest.mark.parametrize(
    ("targets", "named"),
    [
        ({f"approaches.{CLUBS}.organisation": "x"}, "is not a field of this set of approaches"),
        ({SUMMARY: "მამები ათ საღამოს ხვდებიან; ნახეთ სახელმძღვანელო."}, f"lost link to {LINK}"),
        ({SUMMARY: f"მამები **ათ საღამოს**; [გზამკვლევი]({LINK})."}, ""),  # kept: accepted
        ({SUMMARY: f"მამები ათ საღამოს; [გზამკვლევი]({LINK})."}, "lost bold"),
        ({TITLE: "მამათა\nკლუბები"}, "must be one line"),
    ],
)
def test_a_file_with_an_unknown_id_lost_markup_or_a_broken_line_is_refused_whole(
    app: App, clock: Clock, targets: dict[str, str], named: str
) -> None:
    data = po_with(app, {OSH_TITLE: "ოში", **targets})
    if "organisation" in next(iter(targets)):
        data = data.replace(OSH_TITLE.encode(), next(iter(targets)).encode())
    done = translations.import_file(app.database, data, "ka.po", by=EDITOR, now=clock.tick())
    if not named:
        assert not done.refused
        assert done.revisions == {CLUBS: 3, OSH: 3}
        return
    assert done.refused
    assert any(named in f.message for f in done.plan.errors), done.describe()
    assert done.revisions == {}
    assert (revision(app), revision(app, OSH)) == (2, 2)  # nothing of the file stored


def test_a_lost_placeholder_is_named(app: App, clock: Clock) -> None:
    document = library_document(OSH)
    document["content"]["en"]["title"] = "Peer exchange in {city}"
    approaches.save_approach(
        app.database, OSH, document, base_revision=2, by=EDITOR, now=clock.tick()
    )
    done = translations.import_file(
        app.database, po_with(app, {OSH_TITLE: "ოში"}), "ka.po", by=EDITOR, now=clock.tick()
    )
    assert [f"{f.where}: {f.message}" for f in done.plan.errors] == [
        f"{OSH_TITLE}: the translation lost placeholder {{city}}"
    ]


def test_a_wrong_language_another_kind_or_a_malformed_file_is_refused(
    app: App, clock: Clock
) -> None:
    def load(data: bytes, name: str = "ka.xlf") -> translations.ApproachesImport:
        return translations.import_file(app.database, data, name, by=EDITOR, now=clock.tick())

    with pytest.raises(InvalidValue, match="source language; choose a target"):
        load(xliff_with(app, {TITLE: "x"}, trgLang="en"))
    with pytest.raises(InvalidValue, match="not a valid BCP 47"):
        load(xliff_with(app, {TITLE: "x"}, trgLang="k@"))
    wrong_source = load(xliff_with(app, {TITLE: "x"}, srcLang="ru"))
    assert [f.message for f in wrong_source.plan.errors] == [
        "its source language is 'ru'; this needs 'en'"
    ]
    with pytest.raises(ImportFileError, match="not well-formed XML"):
        load(xliff_with(app, {TITLE: "x"})[:-30])
    with pytest.raises(ImportFileError, match="not a readable PO file"):
        load(b'msgid "a"\nmsgstr "b" "c\n', "ka.po")
    issue_file = po_with(app, {TITLE: "x"}).replace(
        b"X-Mailer-Kind: approaches", b"X-Mailer-Kind: issue"
    )
    with pytest.raises(InvalidValue, match="this imports approaches"):
        load(issue_file, "ka.po")
    gone = po_with(app, {TITLE: "x"}).replace(f"{CLUBS},{OSH}".encode(), f"no-such,{OSH}".encode())
    refused = load(gone.replace(CLUBS.encode(), b"no-such"), "ka.po")
    assert any("approaches.no-such.title: is not a field" in line for line in refused.describe())
    assert revision(app, OSH) == 2


def test_a_source_changed_since_export_is_stored_stale_and_reported_as_needing_review(
    app: App, clock: Clock
) -> None:
    data = po_with(app, {TITLE: "მამათა კლუბები"})
    document = approaches.get_approach(app.database, CLUBS).document
    changed = {
        **document,
        "content": {
            **document["content"],
            "en": {**document["content"]["en"], "title": "New title"},
        },
    }
    approaches.save_approach(
        app.database, CLUBS, changed, base_revision=2, by=EDITOR, now=clock.tick()
    )
    done = translations.import_file(app.database, data, "ka.po", by=EDITOR, now=clock.tick())
    assert [c.id for c in done.plan.changes if c.needs_review] == [TITLE]
    assert any(f"warning: {TITLE}: needs review" in line for line in done.describe())
    assert done.revisions == {CLUBS: 4}
    assert ka(app)[TITLE] == "stale"


def test_an_approach_save_marks_its_translations_stale_until_reviewed(
    app: App, clock: Clock
) -> None:
    translations.import_file(
        app.database, po_with(app, {TITLE: "კლუბები"}), "ka.po", by=EDITOR, now=clock.tick()
    )
    assert ka(app)[TITLE] == "draft"
    with pytest.raises(Conflict, match="nothing to review"):
        translations.mark_reviewed(
            app.database, CLUBS, "ka", "summary", by=EDITOR, now=clock.tick()
        )
    translations.mark_reviewed(app.database, CLUBS, "ka", "title", by=EDITOR, now=clock.tick())
    assert ka(app)[TITLE] == "reviewed"

    document = approaches.get_approach(app.database, CLUBS).document
    edited = {
        **document,
        "content": {
            **document["content"],
            "en": {**document["content"]["en"], "title": "Fathers' clubs, 2027"},
        },
    }
    approaches.save_approach(
        app.database, CLUBS, edited, base_revision=3, by=EDITOR, now=clock.tick()
    )
    assert ka(app)[TITLE] == "stale"
    po = polib.pofile(export(app, "po", [CLUBS]))
    assert "fuzzy" in next(e for e in po if e.msgctxt == TITLE).flags
    translations.mark_reviewed(app.database, CLUBS, "ka", "title", by=EDITOR, now=clock.tick())
    assert ka(app)[TITLE] == "reviewed"

    # a translation written in a save (not by a file) is a draft of the source then
    fixed = {**edited, "content": {**edited["content"], "ka": {"title": "კლუბები 2027"}}}
    approaches.save_approach(
        app.database, CLUBS, fixed, base_revision=4, by=EDITOR, now=clock.tick()
    )
    assert ka(app)[TITLE] == "draft"


def test_the_commands_export_approaches_and_import_by_the_files_kind(
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
    base = ["translations", "export", "--lang", "ka", "--format", "po"]
    exported = runner.invoke(mailer, [*base, "--approaches", f"{CLUBS},{OSH}"])
    assert exported.exit_code == 0, exported.output
    po = polib.pofile(exported.output)
    next(e for e in po if e.msgctxt == TITLE).msgstr = "კლუბები"
    file = tmp_path / "ka.po"
    file.write_text(str(po), encoding="utf-8")
    dry = runner.invoke(mailer, ["translations", "import", str(file), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would change {TITLE}" in dry.output
    done = runner.invoke(mailer, ["translations", "import", str(file), "--by", "tamar@example.org"])
    assert f"stored as {CLUBS} revision 3" in done.output
    assert approaches.get_approach(app.database, CLUBS).author == "tamar@example.org"
    file.write_text(str(po).replace(TITLE, f"approaches.{CLUBS}.gone"), encoding="utf-8")
    refused = runner.invoke(mailer, ["translations", "import", str(file)])
    assert refused.exit_code == 2
    assert "is not a field of this set of approaches" in refused.output

    everything = runner.invoke(mailer, [*base, "--all-approaches"])
    assert len({e.msgctxt.split(".")[1] for e in polib.pofile(everything.output)}) == 7
    both = runner.invoke(mailer, [*base, "2027-01-digest", "--approaches", CLUBS])
    assert both.exit_code == 2
    assert "name one issue SLUG" in both.output
    unknown = runner.invoke(mailer, [*base, "--approaches", "no-such"])
    assert unknown.exit_code != 0
    assert "no-such" in unknown.output


def test_the_issue_page_refuses_a_file_of_approaches(app: App, clock: Clock) -> None:
    with pytest.raises(InvalidValue, match="this imports issues"):
        issue_translations.import_file(
            app.issue_desk(),
            po_with(app, {TITLE: "x"}),
            "ka.po",
            by=EDITOR,
            now=clock.tick(),
            slug="x",
        )
