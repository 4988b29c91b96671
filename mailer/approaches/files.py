"""Approaches in and out of the database as files: ``campaigns/approaches/<slug>.toml``, one
file per approach, the slug its name. The same rules as an issue's folder
(``mailer.campaigns.folders``): a file's text becomes a new revision only when it is new and
its edit started from the current revision (the one last imported or exported); the text of
the current or an older revision changes nothing; an approach saved in the editor since is
not overwritten (``StaleRevision``) unless ``force``. Export writes each revision's exact
text, which imports back as no change."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from mailer.approaches.store import store_revision
from mailer.core.approach_refs import Library, Pinned
from mailer.core.campaigns import SLUG
from mailer.core.issue_documents import check_size, text_hash, to_document
from mailer.core.issue_workflow import BY_FILE
from mailer.core.problems import Problem
from mailer.db import Database
from mailer.db import approaches as stored
from mailer.errors import CampaignInvalid, Conflict, InvalidValue, NotFound, StaleRevision

FOLDER = "approaches"  # under paths.campaigns: campaigns/approaches/<slug>.toml
Outcome = Literal["created", "revised", "unchanged", "older"]


@dataclass(frozen=True)
class ImportedApproach:
    slug: str
    path: Path
    outcome: Outcome
    revision: int

    def describe(self) -> str:
        if self.outcome in {"created", "revised"}:
            return f"{self.path}: stored as revision {self.revision} of approach {self.slug}"
        if self.outcome == "older":
            return (
                f"{self.path}: no change: approach {self.slug} has a newer revision {self.revision}"
            )
        return f"{self.path}: no change (approach {self.slug} is at revision {self.revision})"


def approach_files(directory: Path) -> list[Path]:
    """The approach files (``<slug>.toml``) in ``directory``, by name."""
    return sorted(directory.glob("*.toml")) if directory.is_dir() else []


def read_file(path: Path) -> tuple[str, dict[str, object]]:
    """A file's text and document; ``CampaignInvalid`` naming the file and what is wrong."""
    shown = str(path)

    def refused(message: str, key: str = "") -> CampaignInvalid:
        return CampaignInvalid(shown, [Problem("error", shown, key, message)])

    if not SLUG.fullmatch(path.stem):
        raise refused(f"file name {path.stem!r} must be a slug: lower-case letters, digits, -")
    try:
        text = check_size(path.read_text(encoding="utf-8"), shown)
        return text, to_document(tomllib.loads(text))
    except FileNotFoundError:
        raise refused("not found") from None
    except UnicodeDecodeError:
        raise refused("not UTF-8 text: save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise refused(f"not valid TOML: {exc}") from None
    except InvalidValue as exc:
        raise refused(exc.message, exc.field) from None
    except OSError as exc:
        raise refused(f"cannot read: {exc.strerror}") from None


def import_file(
    database: Database, path: Path, *, now: datetime, by: str = BY_FILE, force: bool = False
) -> ImportedApproach:
    """Store ``path`` as a revision of the approach it names (see the module's docstring)."""
    slug = path.stem
    text, document = read_file(path)
    digest = text_hash(text)
    with database.read() as conn:  # the usual case at every poll: nothing to write
        found = stored.find(conn, slug)
        current = stored.revision(conn, found.id, found.revision) if found else None
    if (
        found
        and current
        and current.source_hash == digest
        and found.folder_revision == found.revision
    ):
        return ImportedApproach(slug, path, "unchanged", found.revision)
    message = f"imported from {path}"
    with database.write() as conn:
        found = stored.find(conn, slug, lock=True)
        if found is None:
            found = stored.insert(conn, slug=slug, now=now)
            number = store_revision(
                conn, found, document, text, by=by, message=message, now=now, folder=True
            )
            return ImportedApproach(slug, path, "created", number)
        current = stored.revision(conn, found.id, found.revision)
        assert current is not None
        if current.source_hash == digest:
            stored.set_folder_revision(conn, found.id, found.revision)
            return ImportedApproach(slug, path, "unchanged", found.revision)
        held = stored.number_with_hash(conn, found.id, digest)
        if held is not None and not force:
            stored.set_folder_revision(conn, found.id, held)
            return ImportedApproach(slug, path, "older", found.revision)
        if found.folder_revision != found.revision and not force:
            raise StaleRevision(
                slug,
                base=found.folder_revision or 0,
                current=found.revision,
                current_by=current.author,
                noun="approach",
                hint=(
                    f"{path} was changed, and so was the stored approach; export it "
                    "(`mailer approaches export DIR`), merge, and import that, or import "
                    "with --force (the history keeps the other revision)"
                ),
            )
        number = store_revision(
            conn, found, document, text, by=by, message=message, now=now, folder=True
        )
    return ImportedApproach(slug, path, "revised", number)


def import_approaches(
    database: Database,
    directory: Path,
    *,
    now: datetime,
    only: set[str] | None = None,
    missing_only: bool = False,
    force: bool = False,
) -> tuple[list[ImportedApproach], list[tuple[Path, CampaignInvalid | Conflict]]]:
    """Import every file in ``directory`` (those named in ``only``; with ``missing_only``
    only approaches the database does not hold yet): what was imported, and what was refused
    with why."""
    done: list[ImportedApproach] = []
    refused: list[tuple[Path, CampaignInvalid | Conflict]] = []
    for path in approach_files(directory):
        if only is not None and path.stem not in only:
            continue
        if missing_only:
            with database.read() as conn:
                if stored.find(conn, path.stem) is not None:
                    continue
        try:
            done.append(import_file(database, path, now=now, force=force))
        except (CampaignInvalid, Conflict) as exc:  # StaleRevision is a Conflict
            refused.append((path, exc))
    return done, refused


def export_approaches(
    database: Database, directory: Path, slugs: list[str] | None = None
) -> list[tuple[Path, int]]:
    """Write each approach (or those of ``slugs``) as ``directory/<slug>.toml``, the current
    revision's exact text; ``NotFound`` for a slug not stored. Returns the files and
    revisions."""
    with database.read() as conn:
        rows = stored.all_current(conn, slugs)
    if slugs is not None:
        missing = sorted(set(slugs) - {a.slug for a, _r in rows})
        if missing:
            raise NotFound("approach", ", ".join(missing))
    directory.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, int]] = []
    for found, current in rows:
        file = directory / f"{found.slug}.toml"
        partial = directory / f".{found.slug}.toml.partial"
        partial.write_text(current.source, encoding="utf-8")
        os.replace(partial, file)  # never a half-written file
        with database.write() as conn:
            stored.set_folder_revision(conn, found.id, current.number)
        written.append((file, current.number))
    return written


def library_of_folder(directory: Path, slugs: list[str]) -> Library:
    """The approaches ``slugs`` names that ``directory`` holds as files (as revision 0, not
    stored): what a folder read without a database resolves against. A file that cannot be
    read is left out (its reference is then reported as unknown)."""
    out: dict[str, Pinned] = {}
    for slug in slugs:
        path = directory / f"{slug}.toml"
        if not SLUG.fullmatch(slug) or not path.is_file():
            continue
        try:
            _text, document = read_file(path)
        except CampaignInvalid:
            continue
        out[slug] = Pinned(slug, 0, document)
    return out
