"""Queries on ``approach`` and ``approach_revision``. None of them commits.

Like an issue's, an approach's revisions are only ever inserted; a writer holds the
approach's row lock (``find(lock=True)``: FOR UPDATE on PostgreSQL; SQLite's ``BEGIN
IMMEDIATE`` serialises writers), so two saves from one base cannot both succeed;
UNIQUE(approach_id, number) is the backstop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.core.approaches import kind_of, state_of
from mailer.db.schema import approach, approach_revision
from mailer.errors import Conflict


@dataclass(frozen=True)
class StoredApproach:
    id: int
    slug: str
    revision: int  # the current revision's number
    state: str
    kind: str
    folder_revision: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StoredRevision:
    number: int
    document: Mapping[str, Any]
    source: str
    source_hash: str
    author: str
    message: str | None
    created_at: datetime


_APPROACH = tuple(approach.c[name] for name in StoredApproach.__dataclass_fields__)
_REVISION = tuple(approach_revision.c[name] for name in StoredRevision.__dataclass_fields__)


def find(conn: sa.Connection, slug: str, *, lock: bool = False) -> StoredApproach | None:
    """Reads one approach by slug; ``lock`` takes its row lock on PostgreSQL (FOR UPDATE)."""
    query = sa.select(*_APPROACH).where(approach.c.slug == slug)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else StoredApproach(**row._mapping)


def insert(conn: sa.Connection, *, slug: str, now: datetime) -> StoredApproach:
    """Writes a new approach (revision 0 until its first revision is added); ``Conflict``
    when the slug is taken, also by a concurrent insert (a savepoint keeps the transaction)."""
    statement = sa.insert(approach).values(
        slug=slug, revision=0, state="draft", kind="approach", created_at=now, updated_at=now
    )
    try:
        with conn.begin_nested():
            conn.execute(statement)
    except sa.exc.IntegrityError:
        raise Conflict(f"approach {slug!r} exists already") from None
    found = find(conn, slug, lock=True)
    assert found is not None
    return found


def add_revision(
    conn: sa.Connection,
    stored: StoredApproach,
    *,
    document: Mapping[str, Any],
    source: str,
    source_hash: str,
    author: str,
    message: str | None,
    now: datetime,
    folder: bool = False,
) -> int:
    """Writes revision ``stored.revision + 1`` and makes it current (with its state and
    kind); ``folder`` records that a file holds it. Returns its number."""
    number = stored.revision + 1
    conn.execute(
        sa.insert(approach_revision).values(
            approach_id=stored.id,
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
        "state": state_of(document),
        "kind": kind_of(document),
        "updated_at": now,
    }
    if folder:
        values["folder_revision"] = number
    conn.execute(sa.update(approach).where(approach.c.id == stored.id).values(values))
    return number


def set_folder_revision(conn: sa.Connection, approach_id: int, number: int) -> None:
    """Writes which revision a file now holds (after an import or an export)."""
    statement = sa.update(approach).where(approach.c.id == approach_id)
    conn.execute(statement.values(folder_revision=number))


def revision(conn: sa.Connection, approach_id: int, number: int) -> StoredRevision | None:
    """Reads one revision of an approach."""
    query = sa.select(*_REVISION).where(
        approach_revision.c.approach_id == approach_id, approach_revision.c.number == number
    )
    row = conn.execute(query).first()
    return None if row is None else StoredRevision(**row._mapping)


def number_with_hash(conn: sa.Connection, approach_id: int, source_hash: str) -> int | None:
    """Reads the newest revision of an approach whose text has this hash (index on both)."""
    query = sa.select(sa.func.max(approach_revision.c.number)).where(
        approach_revision.c.approach_id == approach_id,
        approach_revision.c.source_hash == source_hash,
    )
    found = conn.execute(query).scalar()
    return None if found is None else int(found)


def history(conn: sa.Connection, approach_id: int) -> list[StoredRevision]:
    """Reads an approach's revisions, newest first."""
    query = (
        sa.select(*_REVISION)
        .where(approach_revision.c.approach_id == approach_id)
        .order_by(approach_revision.c.number.desc())
    )
    return [StoredRevision(**row._mapping) for row in conn.execute(query)]


def _current_query() -> sa.Select[Any]:
    current = sa.and_(
        approach_revision.c.approach_id == approach.c.id,
        approach_revision.c.number == approach.c.revision,
    )
    return sa.select(*_APPROACH, *(c.label(f"r_{c.name}") for c in _REVISION)).join(
        approach_revision, current
    )


def _pair(row: Any) -> tuple[StoredApproach, StoredRevision]:
    values = row._mapping
    return (
        StoredApproach(**{c.name: values[c.name] for c in _APPROACH}),
        StoredRevision(**{c.name: values[f"r_{c.name}"] for c in _REVISION}),
    )


def current(conn: sa.Connection, slug: str) -> tuple[StoredApproach, StoredRevision] | None:
    """Reads one approach with its current revision."""
    row = conn.execute(_current_query().where(approach.c.slug == slug)).first()
    return None if row is None else _pair(row)


def all_current(
    conn: sa.Connection, slugs: Iterable[str] | None = None
) -> list[tuple[StoredApproach, StoredRevision]]:
    """Reads every approach (or those of ``slugs``) with its current revision, by slug."""
    query = _current_query().order_by(approach.c.slug)
    if slugs is not None:
        query = query.where(approach.c.slug.in_(list(slugs)))
    return [_pair(row) for row in conn.execute(query)]


def documents_at(conn: sa.Connection, wanted: Mapping[str, int]) -> dict[str, Mapping[str, Any]]:
    """Reads the document of each approach at the revision ``wanted`` names (slug -> number);
    a slug or revision not stored is left out."""
    if not wanted:
        return {}
    query = (
        sa.select(approach.c.slug, approach_revision.c.document)
        .join(approach_revision, approach_revision.c.approach_id == approach.c.id)
        .where(sa.tuple_(approach.c.slug, approach_revision.c.number).in_(list(wanted.items())))
    )
    return {row.slug: row.document for row in conn.execute(query)}
