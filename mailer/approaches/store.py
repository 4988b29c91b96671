"""Writing an approach: create, save, restore; reading it: view, list, history, one
revision, diff. Every write is a new revision; none is ever changed or deleted. The same
rules as an issue's (``mailer.issues.store``): a save names its base revision, a stale one
is refused with ``StaleRevision`` and nothing stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailer.core.approaches import check_approach, kind_of, state_of, title_of
from mailer.core.campaigns import SLUG
from mailer.core.issue_diff import Change, diff_documents
from mailer.core.issue_documents import check_size, text_hash, to_document
from mailer.core.issue_workflow import Actor, require
from mailer.core.problems import Problem
from mailer.core.toml_text import to_toml
from mailer.db import Connection, Database, translations
from mailer.db import approaches as stored
from mailer.errors import InvalidValue, NotFound, StaleRevision


@dataclass(frozen=True)
class ApproachView:
    slug: str
    revision: int
    state: str  # draft | published | archived
    kind: str  # approach | event | call
    title: str  # in English, else in any language
    document: Mapping[str, Any]
    problems: list[Problem]
    author: str  # who saved the current revision
    saved_at: datetime

    def as_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "revision": self.revision,
            "state": self.state,
            "kind": self.kind,
            "title": self.title,
            "document": dict(self.document),
            "problems": [
                {"severity": p.severity, "key": p.key, "message": p.message} for p in self.problems
            ],
            "author": self.author,
            "saved_at": self.saved_at.isoformat(),
        }


@dataclass(frozen=True)
class ApproachSaved:
    slug: str
    revision: int
    changed: bool
    problems: list[Problem]


@dataclass(frozen=True)
class ApproachRevision:
    slug: str
    number: int
    document: Mapping[str, Any]
    text: str
    hash: str
    author: str
    saved_at: datetime
    message: str | None


def text_of(slug: str, document: object, original: str | None = None) -> tuple[dict[str, Any], str]:
    """``document`` as it is stored, and its TOML text (edited into ``original``);
    ``InvalidValue`` naming what a database or TOML cannot hold."""
    if not SLUG.fullmatch(slug):
        raise InvalidValue("slug", f"{slug!r}: use lower-case letters, digits and hyphens")
    if not isinstance(document, Mapping):
        raise InvalidValue("document", "must be an object with the keys of an approach")
    checked = to_document(document)
    return checked, check_size(to_toml(checked, original), f"approach {slug} (as TOML)")


def store_revision(
    conn: Connection,
    found: stored.StoredApproach,
    document: Mapping[str, Any],
    text: str,
    *,
    by: str,
    message: str | None,
    now: datetime,
    folder: bool = False,
) -> int:
    """Adds the next revision of ``found`` (holding its row lock) and records what it did to
    the approach's translations (a changed source makes them stale)."""
    before = stored.revision(conn, found.id, found.revision) if found.revision else None
    translations.note_approach_save(
        conn, found.slug, before.document if before else None, document, by=by, now=now
    )
    return stored.add_revision(
        conn,
        found,
        document=document,
        source=text,
        source_hash=text_hash(text),
        author=by,
        message=(message or "").strip()[:1000] or None,
        now=now,
        folder=folder,
    )


def create_approach(
    database: Database,
    slug: str,
    document: Mapping[str, Any],
    *,
    by: Actor,
    now: datetime,
    message: str | None = None,
) -> ApproachSaved:
    """A new approach whose revision 1 is ``document``; ``Conflict`` when the slug is taken.
    Problems (a missing summary, an unknown country) do not stop a save; they come back."""
    require(by, "edit")
    checked, text = text_of(slug, document)
    with database.write() as conn:
        found = stored.insert(conn, slug=slug, now=now)
        number = store_revision(conn, found, checked, text, by=by.email, message=message, now=now)
    return ApproachSaved(slug, number, True, check_approach(slug, checked))


def save_approach(
    database: Database,
    slug: str,
    document: Mapping[str, Any],
    *,
    base_revision: int,
    by: Actor,
    now: datetime,
    message: str | None = None,
) -> ApproachSaved:
    """Store ``document`` as the next revision if ``base_revision`` is still current: else
    ``StaleRevision`` carrying the current one, and nothing is stored. Issues that refer to
    the approach keep the revision they are pinned to (docs/approaches.md)."""
    require(by, "edit")
    with database.read() as conn:
        found = stored.find(conn, slug)
        base = stored.revision(conn, found.id, base_revision) if found else None
    if found is None:
        raise NotFound("approach", slug)
    checked, text = text_of(slug, document, base.source if base else None)
    number, changed = _store(database, slug, checked, text, base_revision, by, now, message)
    return ApproachSaved(slug, number, changed, check_approach(slug, checked))


def _store(
    database: Database,
    slug: str,
    document: Mapping[str, Any],
    text: str,
    base_revision: int,
    by: Actor,
    now: datetime,
    message: str | None,
) -> tuple[int, bool]:
    with database.write() as conn:
        found = stored.find(conn, slug, lock=True)
        if found is None:
            raise NotFound("approach", slug)
        current = stored.revision(conn, found.id, found.revision)
        assert current is not None
        if found.revision != base_revision:
            raise StaleRevision(
                slug,
                base=base_revision,
                current=found.revision,
                current_by=current.author,
                noun="approach",
            )
        if current.source_hash == text_hash(text):
            return found.revision, False
        return store_revision(
            conn, found, document, text, by=by.email, message=message, now=now
        ), True


def restore_approach(
    database: Database,
    slug: str,
    number: int,
    *,
    by: Actor,
    now: datetime,
    base_revision: int | None = None,
) -> ApproachSaved:
    """Make revision ``number`` current again as a new revision (its exact text); with
    ``base_revision``, refused like a save when it is not current."""
    require(by, "edit")
    old = approach_revision(database, slug, number)
    base = get_approach(database, slug).revision if base_revision is None else base_revision
    message = f"restored revision {number}"
    saved, changed = _store(database, slug, old.document, old.text, base, by, now, message)
    return ApproachSaved(slug, saved, changed, check_approach(slug, old.document))


def get_approach(database: Database, slug: str) -> ApproachView:
    """The approach: current revision, document, state, kind and the problems of it."""
    with database.read() as conn:
        found = stored.current(conn, slug)
    if found is None:
        raise NotFound("approach", slug)
    return _view(*found)


def _view(found: stored.StoredApproach, current: stored.StoredRevision) -> ApproachView:
    document = current.document
    return ApproachView(
        found.slug,
        found.revision,
        state_of(document),
        kind_of(document),
        title_of(document),
        document,
        check_approach(found.slug, document),
        current.author,
        current.created_at,
    )


def list_approaches(
    database: Database, *, state: str | None = None, kind: str | None = None
) -> list[ApproachView]:
    """Every approach (of ``state`` and ``kind`` when given), by slug."""
    with database.read() as conn:
        rows = stored.all_current(conn)
    views = [_view(a, r) for a, r in rows]
    return [
        v for v in views if (state is None or v.state == state) and (kind is None or v.kind == kind)
    ]


def approach_revisions(database: Database, slug: str) -> list[ApproachRevision]:
    """The approach's history, newest first."""
    with database.read() as conn:
        found = stored.find(conn, slug)
        entries = stored.history(conn, found.id) if found else []
    if found is None:
        raise NotFound("approach", slug)
    return [_revision(slug, e) for e in entries]


def _revision(slug: str, found: stored.StoredRevision) -> ApproachRevision:
    return ApproachRevision(
        slug,
        found.number,
        found.document,
        found.source,
        found.source_hash,
        found.author,
        found.created_at,
        found.message,
    )


def approach_revision(database: Database, slug: str, number: int) -> ApproachRevision:
    """One revision in full; ``NotFound`` when the approach or the revision is not there."""
    with database.read() as conn:
        found = stored.find(conn, slug)
        entry = stored.revision(conn, found.id, number) if found else None
    if found is None:
        raise NotFound("approach", slug)
    if entry is None:
        raise NotFound(f"revision of approach {slug}", str(number))
    return _revision(slug, entry)


def approach_diff(database: Database, slug: str, a: int, b: int) -> list[Change]:
    """What changed from revision ``a`` to ``b``, per field and language."""
    return diff_documents(
        approach_revision(database, slug, a).document,
        approach_revision(database, slug, b).document,
    )
