"""Queries on ``issue`` and ``issue_revision``. None of them commits.

Revisions are only ever inserted: no query here updates or deletes one. A writer of a new
revision holds the issue's row lock (``find(lock=True)``: FOR UPDATE on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` serialises writers anyway), so numbers follow each other without gaps and
two saves from the same base cannot both succeed; UNIQUE(issue_id, number) is the backstop.

``read_text`` is the one place that turns a stored revision into the ``Campaign`` everybody
reads (``core.issue_text``), its approach references resolved at the issue's pins
(``db.issue_pins``); ``issue.resolved_hash`` keeps the resolved text's hash, which an approval
names, for issues that refer to approaches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.core.approach_refs import references
from mailer.core.issue_text import IssueText, issue_text
from mailer.db import issue_pins
from mailer.db.schema import campaign, issue, issue_revision
from mailer.errors import Conflict


@dataclass(frozen=True)
class StoredIssue:
    id: int
    slug: str
    revision: int  # the current revision's number
    review: str  # draft | in_review
    folder_revision: int | None
    file_approval: str | None  # the hash a folder's approved = true approved
    created_at: datetime
    updated_at: datetime
    resolved_hash: str | None = None  # the resolved text's, when it refers to approaches


@dataclass(frozen=True)
class StoredRevision:
    number: int
    document: Mapping[str, Any]
    source: str
    source_hash: str
    author: str
    message: str | None
    created_at: datetime


@dataclass(frozen=True)
class RevisionEntry:
    """A line of an issue's history (without the document)."""

    number: int
    source_hash: str
    author: str
    message: str | None
    created_at: datetime


@dataclass(frozen=True)
class Listed:
    """One issue with its current revision and its campaign, for lists and views."""

    issue: StoredIssue
    current: StoredRevision
    campaign_state: str | None
    approved_hash: str | None  # the hash the campaign's approval (or start) names
    approved_by: str | None
    approved_at: datetime | None
    send_at: datetime | None  # naive UTC, when staff scheduled it

    @property
    def current_hash(self) -> str:
        """The hash an approval of the current revision names: its resolved text's when it
        refers to approaches, else its own text's."""
        return self.issue.resolved_hash or self.current.source_hash


_ISSUE = (
    issue.c.id,
    issue.c.slug,
    issue.c.revision,
    issue.c.review,
    issue.c.folder_revision,
    issue.c.file_approval,
    issue.c.created_at,
    issue.c.updated_at,
    issue.c.resolved_hash,
)
_REVISION = (
    issue_revision.c.number,
    issue_revision.c.document,
    issue_revision.c.source,
    issue_revision.c.source_hash,
    issue_revision.c.author,
    issue_revision.c.message,
    issue_revision.c.created_at,
)


def find(conn: sa.Connection, slug: str, *, lock: bool = False) -> StoredIssue | None:
    """Reads one issue by slug; ``lock`` takes its row lock on PostgreSQL (FOR UPDATE)."""
    query = sa.select(*_ISSUE).where(issue.c.slug == slug)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else StoredIssue(**row._mapping)


def insert(conn: sa.Connection, *, slug: str, now: datetime) -> int:
    """Writes a new issue (revision 0 until its first revision is added); ``Conflict`` when
    the slug is taken, also by a concurrent insert (a savepoint keeps the transaction)."""
    statement = (
        sa.insert(issue)
        .values(slug=slug, revision=0, review="draft", created_at=now, updated_at=now)
        .returning(issue.c.id)
    )
    try:
        with conn.begin_nested():
            return int(conn.execute(statement).scalar_one())
    except sa.exc.IntegrityError:
        raise Conflict(f"issue {slug!r} exists already") from None


def add_revision(
    conn: sa.Connection,
    stored: StoredIssue,
    *,
    document: Mapping[str, Any],
    source: str,
    source_hash: str,
    author: str,
    message: str | None,
    now: datetime,
    folder: bool = False,
) -> int:
    """Writes revision ``stored.revision + 1`` and makes it current (with its series, period
    and send_at); ``folder`` records that a folder holds it. Returns its number."""
    number = stored.revision + 1
    conn.execute(
        sa.insert(issue_revision).values(
            issue_id=stored.id,
            number=number,
            document=dict(document),
            source=source,
            source_hash=source_hash,
            author=author,
            message=message,
            created_at=now,
        )
    )
    values: dict[str, Any] = {
        "revision": number,
        "series": _column_text(document.get("series")),
        "period": _column_text(document.get("period")),
        "send_at": _column_text(document.get("send_at")),
        "updated_at": now,
    }
    if folder:
        values["folder_revision"] = number
    conn.execute(sa.update(issue).where(issue.c.id == stored.id).values(values))
    issue_pins.pin_new(conn, stored.id, document, now=now)
    resolve_current(
        conn, stored.id, slug=stored.slug, number=number, document=document, source=source
    )
    return number


def resolve_current(
    conn: sa.Connection,
    issue_id: int,
    *,
    slug: str,
    number: int,
    document: Mapping[str, Any],
    source: str,
) -> str | None:
    """Writes ``issue.resolved_hash``: the hash of revision ``number``'s text (``source``,
    ``document``) with its references resolved at the issue's pins; NULL when it refers to
    no approach. Returns it."""
    resolved = None
    if references(document):
        library = issue_pins.library(conn, issue_id, document)
        resolved = issue_text(slug, number, source, document, library=library).hash
    conn.execute(sa.update(issue).where(issue.c.id == issue_id).values(resolved_hash=resolved))
    return resolved


def _column_text(value: Any) -> str | None:
    return None if value is None else str(value)[:40]


def set_review(conn: sa.Connection, issue_id: int, review: str, *, now: datetime) -> None:
    """Writes the review state (draft | in_review)."""
    statement = sa.update(issue).where(issue.c.id == issue_id)
    conn.execute(statement.values(review=review, updated_at=now))


def set_folder_revision(conn: sa.Connection, issue_id: int, number: int) -> None:
    """Writes which revision a folder now holds (after an import that changed nothing, or an
    export)."""
    statement = sa.update(issue).where(issue.c.id == issue_id)
    conn.execute(statement.values(folder_revision=number))


def set_file_approval(conn: sa.Connection, issue_id: int, source_hash: str) -> None:
    """Writes that a folder's ``approved = true`` approved the text with this hash."""
    statement = sa.update(issue).where(issue.c.id == issue_id)
    conn.execute(statement.values(file_approval=source_hash))


def revision(conn: sa.Connection, issue_id: int, number: int) -> StoredRevision | None:
    """Reads one revision of an issue."""
    query = sa.select(*_REVISION).where(
        issue_revision.c.issue_id == issue_id, issue_revision.c.number == number
    )
    row = conn.execute(query).first()
    return None if row is None else StoredRevision(**row._mapping)


def number_with_hash(conn: sa.Connection, issue_id: int, source_hash: str) -> int | None:
    """Reads the newest revision of an issue whose text has this hash (index on both)."""
    query = sa.select(sa.func.max(issue_revision.c.number)).where(
        issue_revision.c.issue_id == issue_id, issue_revision.c.source_hash == source_hash
    )
    found = conn.execute(query).scalar()
    return None if found is None else int(found)


def history(conn: sa.Connection, issue_id: int) -> list[RevisionEntry]:
    """Reads an issue's revisions, newest first, without their documents."""
    query = (
        sa.select(
            issue_revision.c.number,
            issue_revision.c.source_hash,
            issue_revision.c.author,
            issue_revision.c.message,
            issue_revision.c.created_at,
        )
        .where(issue_revision.c.issue_id == issue_id)
        .order_by(issue_revision.c.number.desc())
    )
    return [RevisionEntry(**row._mapping) for row in conn.execute(query)]


def _listed_query() -> sa.Select[Any]:
    current = sa.and_(
        issue_revision.c.issue_id == issue.c.id, issue_revision.c.number == issue.c.revision
    )
    return (
        sa.select(
            *_ISSUE,
            *(c.label(f"r_{c.name}") for c in _REVISION),
            campaign.c.state.label("c_state"),
            campaign.c.source_hash.label("c_hash"),
            campaign.c.approved_by.label("c_approved_by"),
            campaign.c.approved_at.label("c_approved_at"),
            campaign.c.send_at.label("c_send_at"),
        )
        .join(issue_revision, current)
        .outerjoin(campaign, campaign.c.slug == issue.c.slug)
    )


def _listed(row: Any) -> Listed:
    values = row._mapping
    return Listed(
        StoredIssue(**{c.name: values[c.name] for c in _ISSUE}),
        StoredRevision(**{c.name: values[f"r_{c.name}"] for c in _REVISION}),
        values["c_state"],
        values["c_hash"],
        values["c_approved_by"],
        values["c_approved_at"],
        values["c_send_at"],
    )


def listed(conn: sa.Connection, slug: str) -> Listed | None:
    """Reads one issue with its current revision and its campaign (if any)."""
    row = conn.execute(_listed_query().where(issue.c.slug == slug)).first()
    return None if row is None else _listed(row)


def all_listed(conn: sa.Connection) -> list[Listed]:
    """Reads every issue with its current revision and campaign, newest slug first."""
    rows = conn.execute(_listed_query().order_by(issue.c.slug.desc()))
    return [_listed(row) for row in rows]


def slugs_of_period(conn: sa.Connection, series: str, period: str) -> list[str]:
    """Reads the issues whose current revision joins ``series`` for ``period`` (index)."""
    query = sa.select(issue.c.slug).where(issue.c.series == series, issue.c.period == period)
    return list(conn.execute(query.order_by(issue.c.slug)).scalars())


def one_off_slugs(conn: sa.Connection) -> list[str]:
    """Reads the issues whose current revision has ``send_at`` and no series."""
    query = sa.select(issue.c.slug).where(issue.c.send_at.is_not(None), issue.c.series.is_(None))
    return list(conn.execute(query.order_by(issue.c.slug)).scalars())


def read_text(
    conn: sa.Connection, slug: str, number: int | None = None, *, shown: str = ""
) -> IssueText | None:
    """The ``IssueText`` of revision ``number`` of ``slug`` (the current one when None);
    None when there is no such issue or revision. ``shown`` names it in problems."""
    stored = find(conn, slug)
    if stored is None:
        return None
    found = revision(conn, stored.id, stored.revision if number is None else number)
    if found is None:
        return None
    library = issue_pins.library(conn, stored.id, found.document)
    return issue_text(slug, found.number, found.source, found.document, shown, library)


def text_of(
    conn: sa.Connection,
    slug: str,
    number: int,
    source: str,
    document: Mapping[str, Any],
    shown: str = "",
) -> IssueText:
    """The ``IssueText`` of a text not (yet) read from a revision: a draft, or a revision
    being stored; its references resolved at the issue's pins, or at the approaches' current
    revisions where it has none."""
    stored = find(conn, slug)
    library = issue_pins.library(conn, stored.id if stored else None, document)
    return issue_text(slug, number, source, document, shown, library)


def pin_references(conn: sa.Connection, slug: str, *, now: datetime) -> None:
    """Writes a pin for each approach the current revision refers to that has none yet (one
    added to the library after the issue referred to it), and the resolved hash again."""
    stored = find(conn, slug, lock=True)
    found = revision(conn, stored.id, stored.revision) if stored else None
    if stored is None or found is None or not references(found.document):
        return
    issue_pins.pin_new(conn, stored.id, found.document, now=now)
    resolve_current(
        conn,
        stored.id,
        slug=slug,
        number=found.number,
        document=found.document,
        source=found.source,
    )
