"""One person: count, show everything we hold, erase (GDPR)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mailer.core.privacy import address_hash
from mailer.core.segment_parser import parse_segment
from mailer.core.subscribers import email_key, normalise_email
from mailer.core.times import iso_utc
from mailer.db import Database, suppression
from mailer.db import bounces as bounce_queries
from mailer.db import subscribers as queries
from mailer.db.segments import count_subscribers
from mailer.errors import NotFound
from mailer.subscriptions.records import person_record


def count(
    database: Database,
    *,
    segment: str | None = None,
    list_name: str | None = None,
    status: str | None = "active",
) -> int:
    """How many subscribers match; the segment is parsed (and its errors raised) first."""
    parsed = parse_segment(segment) if segment else None
    with database.read() as conn:
        return count_subscribers(conn, segment=parsed, list_name=list_name, status=status)


def show(database: Database, email: str) -> dict[str, Any]:
    """All we hold on one person, as plain JSON-ready data; ``NotFound`` when we hold nothing."""
    key = email_key(normalise_email(email))
    with database.read() as conn:
        row = queries.find_by_key(conn, key)
        if row is None:
            salt = suppression.existing_salt(conn)
            reason = salt and suppression.suppression_reason(conn, address_hash(salt, key))
            detail = f" (only a hash is kept: suppressed, {reason})" if reason else ""
            raise NotFound("subscriber", email + detail)
        interests = queries.interests_of(conn, [row["id"]])[row["id"]]
        subscriptions = queries.subscriptions_of(conn, [row["id"]])[row["id"]]
        history = bounce_queries.events(conn, subscriber_id=row["id"], limit=100)
    record = person_record(row, interests, subscriptions)
    record["last_soft_bounce_at"] = iso_utc(row["last_soft_bounce_at"])
    record["bounces"] = [
        {
            "at": iso_utc(event["created_at"]),
            "kind": event["kind"],
            "source": event["source"],
            "status": event["status"],
            "diagnostic": event["diagnostic"],
            "campaign": event["campaign"],
            "action": event["action"],
        }
        for event in history
    ]
    return record


def erase(database: Database, email: str, *, now: datetime) -> bool:
    """Remove a person's data and keep only a salted hash; True if a subscriber was removed.

    The hash is added even when nobody was stored, so the address never comes back. Bounce
    events about other people that name or quote the address lose it (``forget_address``);
    theirs go with them.
    """
    key = email_key(normalise_email(email))
    with database.write() as conn:
        row = queries.find_by_key(conn, key)
        if row is not None:
            queries.delete_subscriber(conn, row["id"])
        suppression.suppress(
            conn, address_hash(suppression.salt(conn), key), reason="erased", now=now
        )
        bounce_queries.forget_address(conn, key)
    return row is not None
