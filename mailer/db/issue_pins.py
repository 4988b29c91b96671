"""Which revision of each approach an issue uses (``issue_pin``), and the ``Library`` an
issue's references resolve against. None of these commits.

A reference is pinned the first time a stored revision of the issue makes it (``pin_new``,
called by ``issues.add_revision``), to the approach's current revision, so a later edit in the
library changes no issue by itself; "take the update" (``repin``) moves the pins of a draft to
the current revisions. An approved, scheduled or sent issue's pins are never moved (the use
case refuses), and its approval names the resolved text's hash, so even a moved pin could not
change what was approved: it would no longer be approved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.core.approach_refs import Library, Pinned, references
from mailer.db import approaches
from mailer.db.schema import issue_pin


def pins(conn: sa.Connection, issue_id: int) -> dict[str, int]:
    """Reads the issue's pins: approach slug -> revision."""
    query = sa.select(issue_pin.c.approach_slug, issue_pin.c.approach_revision).where(
        issue_pin.c.issue_id == issue_id
    )
    return {row.approach_slug: row.approach_revision for row in conn.execute(query)}


def library(conn: sa.Connection, issue_id: int | None, document: Mapping[str, Any]) -> Library:
    """Reads the approaches ``document`` refers to: at the issue's pins, and at their current
    revision where it has none (an unsaved draft's new reference, or no issue yet)."""
    wanted = references(document)
    if not wanted:
        return {}
    pinned = pins(conn, issue_id) if issue_id is not None else {}
    at = {slug: pinned[slug] for slug in wanted if slug in pinned}
    current = {a.slug: (a.revision, r.document) for a, r in approaches.all_current(conn, wanted)}
    out: dict[str, Pinned] = {}
    for slug, document_at in approaches.documents_at(conn, at).items():
        out[slug] = Pinned(slug, at[slug], document_at)
    for slug, (number, document_now) in current.items():
        if slug not in out:
            out[slug] = Pinned(slug, number, document_now)
    return out


def pin_new(
    conn: sa.Connection, issue_id: int, document: Mapping[str, Any], *, now: datetime
) -> None:
    """Writes a pin, at the approach's current revision, for each approach ``document``
    refers to that the issue has no pin for (an approach not stored yet gets none)."""
    wanted = references(document)
    if not wanted:
        return
    have = pins(conn, issue_id)
    for found, _revision in approaches.all_current(conn, [s for s in wanted if s not in have]):
        conn.execute(
            sa.insert(issue_pin).values(
                issue_id=issue_id,
                approach_slug=found.slug,
                approach_revision=found.revision,
                pinned_at=now,
            )
        )


def repin(conn: sa.Connection, issue_id: int, moves: Mapping[str, int], *, now: datetime) -> None:
    """Writes the pins ``moves`` names (slug -> revision) over the issue's current ones."""
    for slug, number in moves.items():
        statement = sa.update(issue_pin).where(
            issue_pin.c.issue_id == issue_id, issue_pin.c.approach_slug == slug
        )
        if conn.execute(statement.values(approach_revision=number, pinned_at=now)).rowcount:
            continue
        conn.execute(
            sa.insert(issue_pin).values(
                issue_id=issue_id, approach_slug=slug, approach_revision=number, pinned_at=now
            )
        )
