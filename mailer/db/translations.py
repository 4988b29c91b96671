"""Queries on ``translation_state``: what was recorded of each translated field (its state,
and the hashes of its source and target then). None of them commits; callers that write hold
the issue's row lock (``issues.find(..., lock=True)``), so two writers never race on a row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.core.approach_units import APPROACH, approach_written_by_save
from mailer.core.translation_units import ISSUE, Written, text_hash, written_by_save
from mailer.db.schema import translation_state


@dataclass(frozen=True)
class StoredState:
    language: str
    field: str
    state: str  # draft | reviewed
    source_hash: str
    target_hash: str
    updated_by: str
    updated_at: datetime


def of(conn: sa.Connection, kind: str, key: str) -> list[StoredState]:
    """Reads every recorded state of one issue or approach (``kind``, ``key``)."""
    t = translation_state
    rows = conn.execute(
        sa.select(
            t.c.language,
            t.c.field,
            t.c.state,
            t.c.source_hash,
            t.c.target_hash,
            t.c.updated_by,
            t.c.updated_at,
        )
        .where(t.c.kind == kind, t.c.key == key)
        .order_by(t.c.language, t.c.field)
    )
    return [StoredState(**row._mapping) for row in rows]


def record(
    conn: sa.Connection,
    kind: str,
    key: str,
    language: str,
    field: str,
    *,
    state: str,
    source_hash: str,
    target_hash: str,
    by: str,
    now: datetime,
) -> None:
    """Writes the state of one field in one language (updates the row, or inserts it)."""
    t = translation_state
    where = (t.c.kind == kind, t.c.key == key, t.c.language == language, t.c.field == field)
    values = {
        "state": state,
        "source_hash": source_hash,
        "target_hash": target_hash,
        "updated_by": by,
        "updated_at": now,
    }
    if conn.execute(sa.update(t).where(*where).values(**values)).rowcount == 0:
        conn.execute(
            sa.insert(t).values(kind=kind, key=key, language=language, field=field, **values)
        )


def note_save(
    conn: sa.Connection,
    slug: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    *,
    by: str,
    now: datetime,
) -> None:
    """Records, inside a save's transaction, what it did to issue ``slug``'s translations
    (``mailer.core.translation_units.written_by_save``): reads its states, writes a few rows.
    Every path that stores a revision calls it (editor, API, restore, folder import)."""
    recorded = {(row.language, row.field) for row in of(conn, ISSUE, slug)}
    written = written_by_save(before, after, recorded)
    _record_drafts(conn, ISSUE, slug, written, recorded, by=by, now=now)


def note_approach_save(
    conn: sa.Connection,
    slug: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    *,
    by: str,
    now: datetime,
) -> None:
    """As ``note_save``, for a save of library approach ``slug`` (states of kind
    ``approach``, keyed by the slug, one per language and field: ``title`` …). Every path that
    stores an approach's revision calls it (``mailer.approaches.store.store_revision``)."""
    recorded = {(row.language, row.field) for row in of(conn, APPROACH, slug)}
    written = approach_written_by_save(slug, before, after, recorded)
    _record_drafts(conn, APPROACH, slug, written, recorded, by=by, now=now)


def _record_drafts(
    conn: sa.Connection,
    kind: str,
    key: str,
    written: Iterable[Written],
    recorded: set[tuple[str, str]],
    *,
    by: str,
    now: datetime,
) -> None:
    """Each written field as a draft: the fields without a row in one INSERT (a new approach
    of eleven languages has some fifty), the others updated one by one."""
    new: dict[tuple[str, str], dict[str, Any]] = {}  # the last word on a field counts
    for field in written:
        source, target = text_hash(field.source), text_hash(field.target)
        if (field.language, field.id) in recorded:
            record(
                conn,
                kind,
                key,
                field.language,
                field.id,
                state="draft",
                source_hash=source,
                target_hash=target,
                by=by,
                now=now,
            )
            continue
        new[(field.language, field.id)] = {
            "kind": kind,
            "key": key,
            "language": field.language,
            "field": field.id,
            "state": "draft",
            "source_hash": source,
            "target_hash": target,
            "updated_by": by,
            "updated_at": now,
        }
    if new:
        conn.execute(sa.insert(translation_state), list(new.values()))
