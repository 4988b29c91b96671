"""Folders in and out of the database: ``campaigns/<slug>/campaign.toml`` is how an issue
comes from git and goes back to it, with no loss.

``import_folder`` stores a folder's text as a new revision of the issue named by the folder,
and only when the text is new:

- the same text as the current revision: no change;
- the text of an older revision (the folder was not updated since; the editor saved newer
  revisions): no change, and the answer says which revision is newer;
- a new text: a new revision, if the folder's edit started from the current revision (the
  last one imported from or exported to a folder). If the issue was saved in the editor since,
  the import is refused (``StaleRevision``), so a folder never silently overwrites a
  colleague's work; ``force`` imports it anyway (the history keeps their revision).

``approved = true`` in a folder is read once, when its text is stored: the revision is then
approved "by campaign.toml" (the file was reviewed in git), recorded on the issue, not in the
campaign (a staff approval, a schedule or a start makes that). The scheduler and ``mailer serve``
import every folder under ``paths.campaigns`` when they start and at every poll; each command
that takes ``campaigns/SLUG`` imports that folder first (``issue_from``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from mailer import approaches
from mailer.campaigns import source
from mailer.core.approach_refs import references
from mailer.core.campaigns import SLUG
from mailer.core.issue_documents import text_hash
from mailer.core.issue_text import IssueText
from mailer.core.issue_workflow import APPROVED_STATES, BY_FILE, STARTED_STATES, issue_state
from mailer.core.problems import Problem
from mailer.db import Connection, Database, issue_comments, issues
from mailer.db import campaigns as stored_campaigns
from mailer.db.translations import note_save
from mailer.errors import CampaignInvalid, Conflict, MailerError, NotFound, StaleRevision

Outcome = Literal["created", "revised", "unchanged", "older"]


@dataclass(frozen=True)
class Imported:
    slug: str
    path: Path
    outcome: Outcome
    revision: int  # the issue's current revision after the import
    held: int = 0  # "older": the revision the folder holds
    newer_by: str = ""  # "older": who saved the current revision
    approved_by_file: bool = False
    returned_to_draft: bool = False  # it was approved; the new text is a draft again

    @property
    def changed(self) -> bool:
        return self.outcome in {"created", "revised"}

    def describe(self) -> str:
        """One line for the person who imported it."""
        if self.outcome == "unchanged":
            return f"{self.path}: no change (issue {self.slug} is at revision {self.revision})"
        if self.outcome == "older":
            return (
                f"{self.path}: no change: it holds revision {self.held} of issue {self.slug}; "
                f"revision {self.revision} by {self.newer_by} is newer "
                f"(`mailer campaign export {self.slug} DIR` writes it)"
            )
        line = f"{self.path}: stored as revision {self.revision} of issue {self.slug}"
        if self.returned_to_draft:
            line += "; it was approved: this text is a draft again, to be approved again"
        if self.approved_by_file:
            line += "; approved by campaign.toml (approved = true)"
        return line


def _slug_of(path: Path) -> str:
    return source.campaign_file(path).parent.name


def import_folder(
    database: Database,
    path: Path,
    *,
    now: datetime,
    by: str = BY_FILE,
    force: bool = False,
    message: str | None = None,
) -> Imported:
    """Store ``path``'s campaign.toml as a revision of its issue (see the module's docstring).

    ``CampaignInvalid`` when the file cannot be read as a document (not found, not TOML, a
    folder name that is no slug); a draft with lint errors is stored like any draft.
    """
    slug = _slug_of(path)
    _import_missing_approaches(database, path, now=now)
    quick = _unchanged(database, path, slug)
    if quick is not None:
        return quick
    found, problems = source.read(path)
    shown = str(source.campaign_file(path))
    if found is None:
        raise CampaignInvalid(shown, list(problems))
    if not SLUG.fullmatch(slug):
        raise CampaignInvalid(
            shown, [Problem("error", shown, "", f"folder name {slug!r} must be a slug")]
        )
    with database.write() as conn:
        imported = _store(conn, found, path, by=by, force=force, message=message, now=now)
        if imported.changed and found.document.get("approved") is True:
            imported = _approve_by_file(conn, imported, found, now=now)
    return imported


def _import_missing_approaches(database: Database, path: Path, *, now: datetime) -> None:
    """The approaches the folder's issue refers to that the database does not hold yet, from
    ``campaigns/approaches/`` beside it (one that cannot be read stays unknown: lint says so)."""
    try:
        text = source.campaign_file(path).read_text(encoding="utf-8")
        if "approach" not in text:  # the usual poll: no reference, nothing to parse
            return
        document = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return  # read() below says what is wrong
    wanted = references(document)
    if wanted:
        directory = source.campaign_file(path).parent.parent / approaches.FOLDER
        approaches.import_approaches(
            database, directory, now=now, only=set(wanted), missing_only=True
        )


def _unchanged(database: Database, path: Path, slug: str) -> Imported | None:
    """The answer for a folder whose text is the current revision's, without parsing it
    (``mailer serve`` asks at every poll); None when it takes a closer look."""
    try:
        text = source.campaign_file(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    with database.read() as conn:
        stored = issues.find(conn, slug)
        current = issues.revision(conn, stored.id, stored.revision) if stored else None
    if stored is None or current is None or current.source_hash != text_hash(text):
        return None
    if stored.folder_revision != stored.revision:
        return None  # recorded below: the folder holds the current revision
    return Imported(slug, path, "unchanged", stored.revision)


def _store(
    conn: Connection,
    found: IssueText,
    path: Path,
    *,
    by: str,
    force: bool,
    message: str | None,
    now: datetime,
) -> Imported:
    slug, digest = found.slug, text_hash(found.source_text)
    message = message or f"imported from {source.campaign_file(path)}"
    stored = issues.find(conn, slug, lock=True)
    if stored is None:
        issues.insert(conn, slug=slug, now=now)
        stored = issues.find(conn, slug, lock=True)
        assert stored is not None
        number = _add(conn, stored, found, by=by, message=message, now=now)
        note_save(conn, slug, None, found.document, by=by, now=now)
        return Imported(slug, path, "created", number)
    current = issues.revision(conn, stored.id, stored.revision)
    assert current is not None
    if current.source_hash == digest:
        issues.set_folder_revision(conn, stored.id, stored.revision)
        return Imported(slug, path, "unchanged", stored.revision)
    held = issues.number_with_hash(conn, stored.id, digest)
    if held is not None and not force:
        issues.set_folder_revision(conn, stored.id, held)
        return Imported(slug, path, "older", stored.revision, held, current.author)
    base = stored.folder_revision
    if base != stored.revision and not force:
        raise StaleRevision(
            slug,
            base=base or 0,
            current=stored.revision,
            current_by=current.author,
            hint=(
                f"{source.campaign_file(path)} was changed, and so was the stored issue since "
                f"{'it was last imported or exported' if base else 'it was made in the editor'}"
                f"; export it (`mailer campaign export {slug} DIR`), merge, and import that, "
                "or import with --force (the history keeps the other revision)"
            ),
        )
    campaign = stored_campaigns.find(conn, slug)
    before = issue_state(
        stored.review,
        campaign.state if campaign else None,
        campaign.source_hash if campaign else None,
        stored.resolved_hash or current.source_hash,
        stored.file_approval,
    )
    number = _add(conn, stored, found, by=by, message=message, now=now)
    note_save(conn, slug, current.document, found.document, by=by, now=now)
    return Imported(slug, path, "revised", number, returned_to_draft=before in APPROVED_STATES)


def _add(
    conn: Connection,
    stored: issues.StoredIssue,
    found: IssueText,
    *,
    by: str,
    message: str,
    now: datetime,
) -> int:
    return issues.add_revision(
        conn,
        stored,
        document=found.source_document,
        source=found.source_text,
        source_hash=text_hash(found.source_text),
        author=by,
        message=message,
        now=now,
        folder=True,
    )


def _approve_by_file(
    conn: Connection, imported: Imported, found: IssueText, *, now: datetime
) -> Imported:
    """``approved = true``, read once: this text is approved by campaign.toml (the file was
    reviewed in git), unless its campaign started already (then the flag says nothing new).
    The campaign record is left alone: a schedule staff set stays."""
    campaign = stored_campaigns.find(conn, found.slug)
    if campaign is not None and campaign.state in STARTED_STATES:
        return imported
    stored = issues.find(conn, found.slug, lock=True)
    assert stored is not None
    # what is approved is the text as stored, its approaches resolved at the issue's pins
    issues.set_file_approval(conn, stored.id, stored.resolved_hash or found.hash)
    issue_comments.add(
        conn,
        stored.id,
        revision=imported.revision,
        kind="approved",
        author=BY_FILE,
        body="approved = true in campaign.toml",
        now=now,
    )
    return Imported(
        imported.slug,
        imported.path,
        imported.outcome,
        imported.revision,
        approved_by_file=True,
    )


def import_all(
    database: Database, campaigns_dir: Path, *, now: datetime
) -> tuple[list[Imported], list[tuple[Path, MailerError]]]:
    """Import every folder under ``campaigns_dir``: what was imported, and what was refused
    (unreadable, changed both on disk and in the editor, or imported by another process at the
    same moment) with why. The approaches of ``campaigns_dir/approaches/`` come first, so the
    issues' references find them; their refusals are listed with the folders'."""
    done: list[Imported] = []
    refused: list[tuple[Path, MailerError]] = []
    # the library first, so the issues' references find their approaches
    _library, library_refused = approaches.import_approaches(
        database, campaigns_dir / approaches.FOLDER, now=now
    )
    refused.extend(library_refused)
    for folder in source.folders(campaigns_dir):
        try:
            done.append(import_folder(database, folder, now=now))
        except (CampaignInvalid, Conflict) as exc:  # StaleRevision is a Conflict
            refused.append((folder, exc))
    return done, refused


def export_issue(
    database: Database, slug: str, directory: Path, *, revision: int | None = None
) -> tuple[Path, int]:
    """Write the issue's campaign.toml (the current revision, or ``revision``) into
    ``directory/<slug>/`` (or ``directory`` itself when it is named after the issue): the
    exact stored text, which lints and imports back as no change, and the approaches it refers
    to into ``approaches/`` beside the folder (their current revisions). Returns the file and the
    revision's number."""
    with database.read() as conn:
        stored = issues.find(conn, slug)
        number = revision or (stored.revision if stored else 0)
        found = issues.revision(conn, stored.id, number) if stored else None
    if stored is None:
        raise NotFound("issue", slug)
    if found is None:
        raise NotFound(f"revision of issue {slug}", str(number))
    folder = directory if directory.name == slug else directory / slug
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / source.FILE
    partial = folder / f".{source.FILE}.partial"
    partial.write_text(found.source, encoding="utf-8")
    os.replace(partial, file)  # never a half-written campaign.toml
    with database.write() as conn:
        issues.set_folder_revision(conn, stored.id, number)
    wanted = references(found.document)
    if wanted:  # the approaches it refers to, beside it, so the folder imports anywhere
        approaches.export_approaches(database, folder.parent / approaches.FOLDER, wanted)
    return file, number


def stored_issue(
    database: Database, slug: str, revision: int | None = None, *, shown: str = ""
) -> IssueText:
    """What issue ``slug`` says (its current revision, or ``revision``): the one way every
    command and the scheduler read an issue. ``NotFound`` when there is none."""
    with database.read() as conn:
        found = issues.read_text(conn, slug, revision, shown=shown)
    if found is None:
        raise NotFound("issue" if revision is None else f"revision {revision} of issue", slug)
    return found


def issue_from(
    database: Database, reference: str, campaigns_dir: Path, *, now: datetime
) -> tuple[IssueText, Imported | None]:
    """The stored issue a command names: a folder with a campaign.toml (``campaigns/SLUG``)
    is imported first, then read back; a bare ``SLUG`` is read as stored, or imported from
    ``campaigns_dir/SLUG`` when the database has no such issue yet. Problems name the
    folder's file when it holds the current revision."""
    given = Path(reference)
    folder = given if source.campaign_file(given).is_file() else None
    if folder is None and given.name == reference:
        with database.read() as conn:
            known = issues.find(conn, reference) is not None
        if known:
            return stored_issue(database, reference), None
        if source.campaign_file(campaigns_dir / reference).is_file():
            folder = campaigns_dir / reference
    if folder is None:  # neither a folder nor a stored issue
        raise NotFound("campaign folder", reference)
    imported = import_folder(database, folder, now=now)
    shown = str(source.campaign_file(folder)) if imported.outcome != "older" else ""
    return stored_issue(database, imported.slug, shown=shown), imported
