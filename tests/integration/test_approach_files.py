"""`mailer approaches import|export|list`: one TOML file per approach, the round trip, a
file that never overwrites newer editor work, and a file that cannot be read is named
(SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mailer import approaches
from mailer.app import App
from tests.conftest import SAMPLE_LIBRARY, Cli, settings_for
from tests.integration.issue_support import EDITOR, NOW

CLUBS = "fathers-clubs-kakheti"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    copy = tmp_path / "campaigns" / "approaches"
    shutil.copytree(SAMPLE_LIBRARY, copy)
    return copy


def app_of(cli: Cli) -> App:
    return App(settings_for(cli.env["MAILER_DATABASE__URL"]), clock=lambda: NOW).start()


def test_import_export_and_import_back_as_no_change(
    cli: Cli, library: Path, tmp_path: Path
) -> None:
    first = cli("approaches", "import", str(library))
    assert first.exit_code == 0, first.output
    assert first.stdout.count("stored as revision 1 of approach") == 8
    again = cli("approaches", "import", str(library))
    assert again.stdout.count("no change") == 8
    listed = cli("approaches", "list").stdout.splitlines()
    assert f"{CLUBS}\tpublished\tapproach\t1\tFathers' clubs in Kakheti" in "\n".join(listed)
    out = tmp_path / "out"
    exported = cli("approaches", "export", str(out), "--slug", CLUBS)
    assert exported.exit_code == 0, exported.output
    assert (out / f"{CLUBS}.toml").read_text() == (library / f"{CLUBS}.toml").read_text()
    assert "no change" in cli("approaches", "import", str(out / f"{CLUBS}.toml")).stdout


def test_a_file_changed_while_the_approach_was_saved_in_the_editor_is_refused(
    cli: Cli, library: Path
) -> None:
    assert cli("approaches", "import", str(library)).exit_code == 0
    app = app_of(cli)
    try:
        view = approaches.get_approach(app.database, CLUBS)
        edited = dict(view.document) | {"contact": "editor@example.org"}
        approaches.save_approach(app.database, CLUBS, edited, base_revision=1, by=EDITOR, now=NOW)
    finally:
        app.close()
    file = library / f"{CLUBS}.toml"
    file.write_text(file.read_text().replace("Telavi", "Telavi (Kakheti)"))
    refused = cli("approaches", "import", str(library))
    assert refused.exit_code == 2
    assert f"{file}: refused: approach '{CLUBS}': this change started from revision 1" in (
        refused.stderr
    )
    assert "no change" in refused.stdout  # the other files went in
    forced = cli("approaches", "import", str(file), "--force")
    assert "stored as revision 3" in forced.stdout


def test_a_file_that_is_not_toml_is_named_with_what_is_wrong(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "bad-one.toml").write_text('kind = "approach"\ncontent = [\n')
    (folder / "Not A Slug.toml").write_text('kind = "approach"\n')
    result = cli("approaches", "import", str(folder))
    assert result.exit_code == 2
    assert f"{folder / 'bad-one.toml'}: refused:" in result.stderr
    assert "not valid TOML" in result.stderr
    assert "must be a slug" in result.stderr
