"""Subscribers as the staff UI lists them: a page at a time, filtered (counts by status are in
``mailer/reports``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mailer.core.segment_parser import parse_segment
from mailer.db import Database
from mailer.db import subscribers as queries
from mailer.db.segments import audience_clause, count_subscribers


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]  # subscriber columns plus "interests"
    total: int
    number: int  # 1-based
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def subscriber_page(
    database: Database,
    *,
    segment: str | None = None,
    list_name: str | None = None,
    status: str | None = None,
    number: int = 1,
    size: int = 50,
) -> Page:
    """Page ``number`` of the matching subscribers; a bad segment raises ``SegmentSyntaxError``,
    an unknown list ``NotFound``, an unknown status ``InvalidValue``."""
    parsed = parse_segment(segment) if segment else None
    number = max(1, number)
    with database.read() as conn:
        total = count_subscribers(conn, segment=parsed, list_name=list_name, status=status)
        where = audience_clause(conn, segment=parsed, list_name=list_name, status=status)
        rows = queries.page(conn, where, offset=(number - 1) * size, limit=size)
        interests = queries.interests_of(conn, [row["id"] for row in rows])
    for row in rows:
        row["interests"] = interests[row["id"]]
    return Page(rows, total, number, size)
