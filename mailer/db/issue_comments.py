"""Queries on ``issue_comment``: comments on a revision and the steps of its review
(submitted, sent back with a reason, approved). Only ever inserted. None of them commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mailer.db.schema import issue_comment


@dataclass(frozen=True)
class StoredComment:
    revision: int
    kind: str  # comment | submitted | sent_back | approved
    author: str
    body: str
    created_at: datetime


def add(
    conn: sa.Connection,
    issue_id: int,
    *,
    revision: int,
    kind: str,
    author: str,
    body: str,
    now: datetime,
) -> None:
    """Writes one comment or review step on ``revision``."""
    conn.execute(
        sa.insert(issue_comment).values(
            issue_id=issue_id,
            revision=revision,
            kind=kind,
            author=author,
            body=body,
            created_at=now,
        )
    )


def of_issue(
    conn: sa.Connection, issue_id: int, revision: int | None = None
) -> list[StoredComment]:
    """Reads an issue's comments (of one revision when given), oldest first (index)."""
    query = sa.select(
        issue_comment.c.revision,
        issue_comment.c.kind,
        issue_comment.c.author,
        issue_comment.c.body,
        issue_comment.c.created_at,
    ).where(issue_comment.c.issue_id == issue_id)
    if revision is not None:
        query = query.where(issue_comment.c.revision == revision)
    rows = conn.execute(query.order_by(issue_comment.c.id))
    return [StoredComment(**row._mapping) for row in rows]
