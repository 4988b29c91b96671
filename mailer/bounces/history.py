"""What staff see and do about bounces: the event list, applying an unverified event, clearing a
score, dropping old raw mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mailer.core.bounce_policy import BouncePolicy
from mailer.core.subscribers import email_key, normalise_email
from mailer.core.times import iso_utc
from mailer.db import Database
from mailer.db import bounces as stored
from mailer.errors import NotFound


def events(
    database: Database, *, since: datetime | None = None, kind: str | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """Recorded events, newest first, as JSON-ready data."""
    with database.read() as conn:
        rows = stored.events(conn, since=since, kind=kind, limit=limit)
    for row in rows:
        row["created_at"] = iso_utc(row["created_at"])
    return rows


def apply(
    database: Database, event_id: int, policy: BouncePolicy, *, by: str, now: datetime
) -> tuple[str, str]:
    """Applies an unverified event's policy to its subscriber (a staff decision); returns the
    recipient and what was done. ``NotFound`` or ``Conflict`` (already applied, verified, or
    naming no subscriber) otherwise."""
    with database.write() as conn:
        return stored.apply(conn, event_id, policy, by=by, now=now)


def reset(database: Database, email: str) -> float:
    """Clears one subscriber's bounce score; returns the score they had."""
    with database.write() as conn:
        subscriber_id = stored.subscriber_by_key(conn, email_key(normalise_email(email)))
        if subscriber_id is None:
            raise NotFound("subscriber", email)
        return stored.reset_score(conn, subscriber_id)


def forget_raw(database: Database, *, before: datetime) -> int:
    """Drops the raw messages of events older than ``before``; returns how many."""
    with database.write() as conn:
        return stored.forget_raw(conn, before=before)
