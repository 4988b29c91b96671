"""Folders in and out: `mailer campaign import|export`, the round trip that keeps comments,
a folder that never overwrites newer editor work, approved = true read once (SQLite and
PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailer import issues
from mailer.app import App
from mailer.campaigns.folders import import_folder
from mailer.db import Database
from mailer.errors import StaleRevision
from tests.conftest import REPO, Cli, copy_sample, settings_for, table_count
from tests.integration.issue_support import (
    APPROVER,
    EDITOR,
    NOW,
    SAMPLE,
    SAMPLE_TEXT,
    Clock,
    make_app,
    sample_document,
)

SLUG = SAMPLE.name


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "campaigns" / SLUG
    copy_sample(SAMPLE, copy)
    return copy


@pytest.fixture
def members(cli: Cli, tmp_path: Path) -> Cli:
    """The CLI with subscribers that make the sample lint clean."""
    make_app(cli.env["MAILER_DATABASE__URL"], tmp_path / "people", Clock()).close()
    cli.env["MAILER_PATHS__TEMPLATES"] = str(REPO / "templates")
    return cli


def app_of(db_url: str) -> App:
    return App(settings_for(db_url), clock=lambda: NOW)


def test_import_then_no_change_export_lints_and_imports_back_as_no_change(
    members: Cli, db: Database, folder: Path, tmp_path: Path
) -> None:
    first = members("campaign", "import", str(folder))
    assert first.exit_code == 0, first.output
    assert f"stored as revision 1 of issue {SLUG}" in first.stdout
    again = members("campaign", "import", str(folder))
    assert "no change" in again.stdout
    assert table_count(db, "issue_revision") == 1
    exported = members("campaign", "export", SLUG, str(tmp_path / "out"))
    assert exported.exit_code == 0, exported.output
    file = tmp_path / "out" / SLUG / "campaign.toml"
    assert f"wrote {file} (issue {SLUG}, revision 1)" in exported.stdout
    assert file.read_text(encoding="utf-8") == SAMPLE_TEXT  # comments, order, quoting
    linted = members("campaign", "lint", str(file.parent))
    assert linted.exit_code == 0, linted.output
    assert "0 error(s)" in linted.stdout
    back = members("campaign", "import", str(file.parent))
    assert "no change" in back.stdout
    assert table_count(db, "issue_revision") == 1


def test_an_editor_save_exports_with_the_files_comments_and_only_its_change(
    members: Cli, db_url: str, folder: Path, tmp_path: Path
) -> None:
    assert members("campaign", "import", str(folder)).exit_code == 0
    app = app_of(db_url)
    try:
        document = sample_document()
        document["content"]["ka"]["subject"] = "ახალი სათაური"
        issues.save(app.issue_desk(), SLUG, document, base_revision=1, by=EDITOR, now=NOW)
    finally:
        app.close()
    assert members("campaign", "export", SLUG, str(folder.parent)).exit_code == 0
    text = (folder / "campaign.toml").read_text(encoding="utf-8")
    assert "# 1. Country only: Georgia." in text
    assert text.splitlines()[0].startswith("# December 2026 issue")
    changed = [
        (old, new)
        for old, new in zip(SAMPLE_TEXT.splitlines(), text.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [(changed[0][0], 'subject = "ახალი სათაური"')]
    assert members("campaign", "lint", str(folder)).exit_code == 0
    assert "no change" in members("campaign", "import", str(folder)).stdout


def test_a_folder_never_silently_overwrites_newer_editor_work(
    db: Database, db_url: str, folder: Path
) -> None:
    app = app_of(db_url)
    try:
        import_folder(db, folder, now=NOW)
        document = sample_document()
        document["content"]["en"]["subject"] = "Edited in the browser"
        issues.save(app.issue_desk(), SLUG, document, base_revision=1, by=EDITOR, now=NOW)
        stale = import_folder(db, folder, now=NOW)  # the folder still holds revision 1
        assert (stale.outcome, stale.held, stale.revision) == ("older", 1, 2)
        assert "revision 2 by eda@example.org is newer" in stale.describe()
        file = folder / "campaign.toml"
        file.write_text(SAMPLE_TEXT.replace("December digest", "Edited in git"), "utf-8")
        with pytest.raises(StaleRevision) as refused:
            import_folder(db, folder, now=NOW)
        assert (refused.value.base, refused.value.current) == (1, 2)
        assert "import with --force" in str(refused.value)
        assert issues.get_issue(app.issue_desk(), SLUG).revision == 2
        forced = import_folder(db, folder, now=NOW, force=True)
        assert (forced.outcome, forced.revision) == ("revised", 3)
        assert issues.revision(app.issue_desk(), SLUG, 2).document == document  # kept
    finally:
        app.close()


def test_import_refuses_a_folder_changed_on_disk_and_in_the_editor_through_the_cli(
    cli: Cli, db_url: str, folder: Path
) -> None:
    assert cli("campaign", "import", str(folder)).exit_code == 0
    app = app_of(db_url)
    try:
        document = sample_document()
        document["min_items"] = 2
        issues.save(app.issue_desk(), SLUG, document, base_revision=1, by=EDITOR, now=NOW)
    finally:
        app.close()
    (folder / "campaign.toml").write_text(SAMPLE_TEXT.replace("min_items = 3", "min_items = 4"))
    refused = cli("campaign", "import", str(folder))
    assert refused.exit_code == 2
    assert "revision 2 (saved by eda@example.org) is newer; nothing was saved" in refused.stderr
    forced = cli("campaign", "import", str(folder), "--force", "--by", "git@example.org")
    assert forced.exit_code == 0, forced.output
    assert "stored as revision 3" in forced.stdout


def test_approved_true_in_a_file_is_read_once_and_shown_as_approved_by_the_file(
    db: Database, db_url: str, folder: Path
) -> None:
    file = folder / "campaign.toml"
    file.write_text(SAMPLE_TEXT.replace("approved = false", "approved = true"), "utf-8")
    imported = import_folder(db, folder, now=NOW)
    assert imported.approved_by_file
    assert "approved by campaign.toml" in imported.describe()
    app = app_of(db_url)
    desk = app.issue_desk()
    try:
        view = issues.get_issue(desk, SLUG)
        assert (view.state, view.approved_by) == ("approved", "campaign.toml")
        assert [(c.kind, c.author) for c in issues.comments(desk, SLUG)] == [
            ("approved", "campaign.toml")
        ]
        document = dict(view.document)
        saved = issues.save(desk, SLUG, document, base_revision=1, by=APPROVER, now=NOW)
        assert (saved.state, saved.returned_to_draft) == ("draft", True)  # approved -> false
        again = import_folder(db, folder, now=NOW)  # the same file: read once, not again
        assert again.outcome == "older"
        assert not again.approved_by_file
        assert issues.get_issue(desk, SLUG).state == "draft"
    finally:
        app.close()


def test_commands_that_take_a_folder_import_it_then_work_on_the_stored_issue(
    members: Cli, db: Database, folder: Path
) -> None:
    audience = members("campaign", "audience", str(folder), "--json")
    assert audience.exit_code == 0, audience.output
    assert '"total": 3' in audience.stdout
    assert "stored as revision 1" in audience.stderr
    by_slug = members("campaign", "audience", SLUG, "--json")  # a bare slug: the stored issue
    assert by_slug.stdout == audience.stdout
    missing = members("campaign", "lint", "no-such-issue")
    assert missing.exit_code == 2
    assert "no campaign folder 'no-such-issue'" in missing.stderr
    assert table_count(db, "issue") == 1


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b'lists = ["m\xff"]\n', "not UTF-8 text"),
        (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
        (b"a = " + b"[" * 100 + b"]" * 100 + b"\n", "nested more than 16 levels"),
        (b'[content.en]\nsubject = "a\\u0000b"\n', "NUL character"),
    ],
)
def test_a_folder_that_is_no_document_is_refused_by_name_and_nothing_is_stored(
    members: Cli, db: Database, folder: Path, content: bytes, said: str
) -> None:
    (folder / "campaign.toml").write_bytes(content)
    linted = members("campaign", "lint", str(folder))
    assert linted.exit_code == 1, linted.output
    assert said in linted.stderr
    assert "Traceback" not in linted.output
    imported = members("campaign", "import", str(folder))
    assert imported.exit_code == 2
    assert said in imported.stderr
    assert table_count(db, "issue") == 0
