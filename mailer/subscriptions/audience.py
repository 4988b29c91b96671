"""The audience builder: what its drop-downs offer, how many a segment reaches and where they
are (per country, per interest), and segments saved by name for issues (``segment = "@name"``).

Counts go through ``mailer.db.segments.audience_clause`` like sending does, so a number shown
here is the number ``mailer subscribers count`` prints and a send would queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailer.core.segment_builder import network_first
from mailer.core.segment_parser import parse_segment
from mailer.core.segments import SAVED_NAME, render_segment, saved_names
from mailer.core.subscribers import STATUSES
from mailer.core.vocabulary import did_you_mean, interests_in
from mailer.db import Database
from mailer.db import counts as queries
from mailer.db import saved_segments as saved
from mailer.db.lists import list_summaries
from mailer.db.segments import audience_clause
from mailer.errors import InvalidValue, NotFound


@dataclass(frozen=True)
class Options:
    """What each drop-down offers: values somebody has, the network's countries first."""

    countries: list[str]
    interests: list[str]
    languages: list[str]
    lists: list[str]
    statuses: tuple[str, ...]
    saved: list[saved.SavedSegment]


@dataclass(frozen=True)
class Reach:
    """Who a segment reaches: how many, and how many per country and per interest."""

    segment: str  # canonical text ("" for everybody)
    total: int
    by_country: dict[str, int]  # ISO code (``-`` unknown), most first
    by_interest: dict[str, int]  # most first; a person counts once per interest


def options(database: Database) -> Options:
    with database.read() as conn:
        countries = queries.subscribers_by(conn, "country")
        languages = queries.subscribers_by(conn, "language")
        interests = queries.interest_names(conn)
        lists = [row.name for row in list_summaries(conn)]
        segments = saved.all_saved(conn)
    known = sorted(code for code in countries if code != "-")
    return Options(
        countries=network_first(known),
        interests=interests,
        languages=sorted(tag for tag in languages if tag != "-"),
        lists=lists,
        statuses=STATUSES,
        saved=segments,
    )


def reach(database: Database, segment: str) -> Reach:
    """Everybody the segment text matches, whatever their status unless it says (``status =
    active``, as the builder writes by default); ``SegmentSyntaxError`` for a bad text,
    ``InvalidValue`` for an unknown ``@name``."""
    parsed = parse_segment(segment) if segment.strip() else None
    with database.read() as conn:
        where = audience_clause(conn, segment=parsed, status=None)
        total = queries.count_where(conn, where)
        by_country = queries.subscribers_by_where(conn, "country", where)
        by_interest = queries.interests_where(conn, where)
    canonical = render_segment(parsed) if parsed is not None else ""
    return Reach(canonical, total, by_country, by_interest)


def save_segment(
    database: Database, name: str, expression: str, description: str, *, by: str, now: datetime
) -> bool:
    """Save ``expression`` as ``@name`` (a new one, or a new text for it); True when new.
    It may not refer to another saved segment, so what an issue's ``@name`` means is one
    text."""
    name = name.strip()
    if not SAVED_NAME.fullmatch(name):
        raise InvalidValue(
            "name",
            f"{name!r} is not a usable name: lower-case letters, digits and hyphens, at most 63 "
            "(e.g. georgia-fathers)",
        )
    parsed = parse_segment(expression)
    if saved_names(parsed):
        raise InvalidValue("expression", "a saved segment cannot use another (@name)")
    with database.write() as conn:
        known = set(queries.interest_names(conn))
        for interest in dict.fromkeys(interests_in(parsed)):
            if interest not in known:
                hint = did_you_mean(interest, known)
                message = f"unknown interest {interest!r}: not in the interest list{hint}"
                raise InvalidValue("expression", message)
        return saved.save(
            conn,
            name=name,
            expression=render_segment(parsed),
            description=description.strip(),
            by=by,
            now=now,
        )


def delete_segment(database: Database, name: str) -> None:
    with database.write() as conn:
        if not saved.delete(conn, name):
            raise NotFound("saved segment", name)
