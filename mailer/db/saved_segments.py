"""Segments saved by name (``saved_segment``); ``resolved`` is the one place a ``@name`` in a
segment becomes the saved expression, for counting, lint, export and sending alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mailer.core.segment_parser import parse_segment
from mailer.core.segments import Segment, resolve, saved_names
from mailer.db.schema import saved_segment
from mailer.errors import InvalidValue


@dataclass(frozen=True)
class SavedSegment:
    name: str
    expression: str
    description: str
    updated_by: str
    updated_at: datetime


_COLUMNS = (
    saved_segment.c.name,
    saved_segment.c.expression,
    saved_segment.c.description,
    saved_segment.c.updated_by,
    saved_segment.c.updated_at,
)


def all_saved(conn: sa.Connection) -> list[SavedSegment]:
    """Reads every saved segment, by name."""
    rows = conn.execute(sa.select(*_COLUMNS).order_by(saved_segment.c.name))
    return [SavedSegment(*row) for row in rows]


def find(conn: sa.Connection, name: str) -> SavedSegment | None:
    """Reads one saved segment."""
    row = conn.execute(sa.select(*_COLUMNS).where(saved_segment.c.name == name)).first()
    return None if row is None else SavedSegment(*row)


def save(
    conn: sa.Connection, *, name: str, expression: str, description: str, by: str, now: datetime
) -> bool:
    """Writes the segment ``name`` (a new row, or replaces its expression); True when new.
    Locks the row it updates."""
    values = {"expression": expression, "description": description, "updated_by": by}
    found = conn.execute(
        sa.update(saved_segment)
        .where(saved_segment.c.name == name)
        .values(**values, updated_at=now)
    )
    if found.rowcount:
        return False
    conn.execute(sa.insert(saved_segment).values(name=name, **values, updated_at=now))
    return True


def set_expression(conn: sa.Connection, name: str, expression: str) -> None:
    """Writes a new text for ``name`` that means the same people (a word it names was renamed):
    who saved it, and when, stay."""
    conn.execute(
        sa.update(saved_segment).where(saved_segment.c.name == name).values(expression=expression)
    )


def delete(conn: sa.Connection, name: str) -> bool:
    """Deletes the saved segment ``name``; True when there was one."""
    return bool(conn.execute(sa.delete(saved_segment).where(saved_segment.c.name == name)).rowcount)


def resolved(conn: sa.Connection, segment: Segment) -> Segment:
    """``segment`` with each ``@name`` replaced by the saved expression (reads
    ``saved_segment``); ``InvalidValue`` on the field ``segment`` names an unknown one."""
    names = saved_names(segment)
    if not names:
        return segment
    rows = conn.execute(
        sa.select(saved_segment.c.name, saved_segment.c.expression).where(
            saved_segment.c.name.in_(sorted(names))
        )
    )
    found = {name: parse_segment(text) for name, text in rows}
    missing = sorted(names - set(found))
    if missing:
        listed = ", ".join(f"@{n}" for n in missing)
        known = ", ".join(f"@{s.name}" for s in all_saved(conn)) or "none yet"
        raise InvalidValue("segment", f"no saved segment {listed} (saved segments: {known})")
    return resolve(segment, found)
