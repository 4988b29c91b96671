"""People as staff look after them: find someone, see everything held and every change made,
edit, take off a list, lift a suppression with a reason, erase. Each change is written to the
subscriber's change log (who, when, what) in the transaction that makes it.

Searching compares in Python (``mailer.core.people_search``: prefix, no case, no accents),
over (id, email, name) rows streamed from the database: a few hundred milliseconds at 100,000
people, and no index could ignore accents on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailer.core.people_search import display_email, matches, search_key
from mailer.core.privacy import address_hash
from mailer.core.subscribers import email_key, normalise_email
from mailer.db import Database, signups, suppression
from mailer.db import bounces as bounce_queries
from mailer.db import subscriber_changes as changes_log
from mailer.db import subscribers as queries
from mailer.errors import Conflict, InvalidValue, NotFound
from mailer.subscriptions import directory, people
from mailer.subscriptions.signup import ConfirmationDue

SEARCH_LIMIT = 50
# lifting a suppression: who may be mailed again (a complaint or a block only lets the person
# subscribe again themselves)
AFTER_LIFT = {"bounced": "active", "complained": "unsubscribed", "blocklisted": "unsubscribed"}


@dataclass(frozen=True)
class Hit:
    email: str  # as stored (punycode domain): what links and commands take
    shown: str  # the domain in Unicode
    name: str
    status: str
    country: str | None


def search(database: Database, query: str, *, limit: int = SEARCH_LIMIT) -> tuple[list[Hit], bool]:
    """People whose address or name (or a word of it) begins with ``query``, by address; the
    second value says whether there were more than ``limit``."""
    key = search_key(query)
    found: list[Hit] = []
    if not key:
        return found, False
    with database.read() as conn:
        for subscriber_id, email, name, status, country in changes_log.search_rows(conn):
            del subscriber_id
            if matches(key, email, name or ""):
                if len(found) == limit:
                    return found, True
                found.append(Hit(email, display_email(email), name or "", status, country))
    return found, False


def person(database: Database, email: str) -> dict[str, Any]:
    """``people.show`` plus what the staff page needs: the address in Unicode, whether (and
    why) it is suppressed, and the change log, newest first."""
    record = people.show(database, email)
    key = email_key(normalise_email(email))
    with database.read() as conn:
        salt = suppression.existing_salt(conn)
        reason = suppression.suppression_reason(conn, address_hash(salt, key)) if salt else None
        record["changes"] = changes_log.of(conn, int(record["id"]))
    record["shown_email"] = display_email(str(record["email"]))
    record["suppressed"] = reason
    return record


def edit(
    database: Database, email: str, changes: directory.Changes, *, by: str, now: datetime
) -> dict[str, Any]:
    """Change name, country, language, interests or lists (``directory.update``), logged."""
    return directory.update(database, email, changes, now=now, by=by)


def lift_suppression(database: Database, email: str, reason: str, *, by: str, now: datetime) -> str:
    """Take the address off the suppression list, with ``reason`` (required, logged); a
    bounced person becomes active again with a clean bounce score, a complained or blocked
    one unsubscribed (they may sign up again). Returns the new status."""
    reason = reason.strip()
    if not reason:
        raise InvalidValue("reason", "say why the suppression is lifted (it is recorded)")
    key = email_key(normalise_email(email))
    with database.write() as conn:
        row = queries.find_by_key(conn, key)
        if row is None:
            raise NotFound("subscriber", email)
        subscriber_id, status = int(row["id"]), str(row["status"])
        was = suppression.lift(conn, address_hash(suppression.salt(conn), key))
        after = AFTER_LIFT.get(status, status)
        if was is None and after == status:
            raise Conflict(f"{email} is not suppressed")
        bounce_queries.reset_score(conn, subscriber_id)
        if after != status:
            signups.set_status(conn, subscriber_id, after, only_from=(status,), now=now)
        detail = f"suppression lifted ({was or status}); status: {status} → {after}; why: {reason}"
        changes_log.record(
            conn, subscriber_id, actor=by, action="unsuppressed", detail=detail, now=now
        )
    return after


def erase(database: Database, email: str, typed: str, *, by: str, now: datetime) -> None:
    """``people.erase`` once ``typed`` repeats the address; the log keeps that someone was
    erased, by whom and when, and nothing about them."""
    if typed.strip().casefold() != email.strip().casefold():
        raise InvalidValue("confirm", "type the person's address exactly to confirm erasing")
    if not people.erase(database, email, now=now):
        raise NotFound("subscriber", email)
    with database.write() as conn:
        changes_log.record(
            conn, None, actor=by, action="erased", detail="a subscriber was erased", now=now
        )


def confirmation_again(database: Database, email: str) -> ConfirmationDue:
    """The confirmation mail to send again to an unconfirmed person, for the lists they have
    not confirmed yet; ``Conflict`` for anyone else (there is nothing to confirm)."""
    with database.read() as conn:
        row = queries.find_by_key(conn, email_key(normalise_email(email)))
        if row is None:
            raise NotFound("subscriber", email)
        subscriber_id = int(row["id"])
        joined = signups.subscription_statuses(conn, subscriber_id)
    pending = tuple(name for name, status in joined.items() if status == "unconfirmed")
    if row["status"] != "unconfirmed" or not pending:
        raise Conflict(f"{email} is {row['status']}: there is no subscription to confirm")
    language = row["language"]
    return ConfirmationDue(
        subscriber_id, str(row["email"]), language, pending, False, str(row["link_nonce"])
    )


def confirmation_resent(database: Database, subscriber_id: int, *, by: str, now: datetime) -> None:
    """Log that staff had the confirmation mail sent again."""
    with database.write() as conn:
        changes_log.record(
            conn,
            subscriber_id,
            actor=by,
            action="confirmation",
            detail="confirmation mail sent again",
            now=now,
        )
