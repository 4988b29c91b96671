"""A subscriber's own settings, reached through the signed link in every message.

Changing interests, country, language, name and lists; pausing (leaving every list while the
profile stays, since the sender has no "paused" status: it mails ``active`` subscribers with
an ``active`` subscription); unsubscribing; exporting and erasing everything held.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailer.db import Database, signups
from mailer.db import subscribers as subscriber_queries
from mailer.errors import InvalidRecord, InvalidValue
from mailer.subscriptions import people
from mailer.subscriptions.signup import Offer, profile_fields

# Statuses a person may leave by unsubscribing; bounced, complained, blocklisted stay as they are.
LEAVES_TO_UNSUBSCRIBED = ("active", "unconfirmed")


@dataclass(frozen=True)
class Profile:
    id: int
    email: str
    name: str
    country: str | None
    language: str | None
    status: str
    interests: tuple[str, ...]
    lists: dict[str, str]  # status on each list they ever joined, by list name

    @property
    def receiving(self) -> bool:
        """Whether issues reach them: an active subscriber on at least one active list."""
        return self.status == "active" and "active" in self.lists.values()


@dataclass(frozen=True)
class Choices:
    """The preferences form as posted (raw text); ``interests`` and ``lists`` repeat."""

    name: str = ""
    country: str = ""
    language: str = ""
    interests: Sequence[str] = ()
    lists: Sequence[str] = ()


def profile(database: Database, subscriber_id: int) -> Profile | None:
    """What the preferences page shows; None when the subscriber is gone (erased)."""
    with database.read() as conn:
        row = signups.subscriber_by_id(conn, subscriber_id)
        if row is None:
            return None
        interests = subscriber_queries.interests_of(conn, [subscriber_id])[subscriber_id]
        lists = signups.subscription_statuses(conn, subscriber_id)
    return Profile(
        subscriber_id,
        row["email"],
        row["name"],
        row["country"],
        row["language"],
        row["status"],
        tuple(interests),
        lists,
    )


def update(
    database: Database, subscriber_id: int, choices: Choices, offered: Offer, *, now: datetime
) -> Profile | None:
    """Store the choices (``InvalidRecord`` naming every bad field; nothing stored then).

    Lists the form offers are joined or left as ticked; other lists are left alone. Joining a
    list from here needs no new confirmation (the link came to their mailbox), except for a
    subscriber who never confirmed: their lists wait for the confirmation.
    """
    problems: list[InvalidValue] = []
    name, country, language, interests = profile_fields(
        choices.name, choices.country, choices.language, choices.interests, offered, problems
    )
    ticked = {name.strip() for name in choices.lists if name.strip()}
    unknown = sorted(ticked - set(offered.lists))
    if unknown:
        problems.append(InvalidValue("lists", f"unknown list {', '.join(map(repr, unknown))}"))
    if problems:
        raise InvalidRecord(problems)
    with database.write() as conn:
        row = signups.subscriber_by_id(conn, subscriber_id)
        if row is None:
            return None
        signups.set_profile(
            conn, subscriber_id, name=name, country=country, language=language, now=now
        )
        # interests no form offers (private ones an import gave) are kept as they are
        held = subscriber_queries.interests_of(conn, [subscriber_id]).get(subscriber_id, [])
        kept = [slug for slug in held if slug not in offered.interests]
        ids = subscriber_queries.interest_ids(conn, [*interests, *kept])
        signups.set_interests(conn, subscriber_id, ids.values())
        current = signups.subscription_statuses(conn, subscriber_id)
        joining = "unconfirmed" if row["status"] == "unconfirmed" else "active"
        by_name = signups.list_ids(conn, offered.lists)
        for list_name, list_id in by_name.items():
            now_status = current.get(list_name, "unsubscribed")
            if list_name in ticked and now_status == "unsubscribed":
                subscriber_queries.upsert_subscriptions(
                    conn, list_id, {subscriber_id: joining}, now=now
                )
        left = [by_name[n] for n in by_name if n not in ticked]
        signups.leave_lists(conn, subscriber_id, left, now=now)
        if ticked and row["status"] == "unsubscribed":  # coming back from their own settings
            signups.set_status(conn, subscriber_id, "active", only_from=("unsubscribed",), now=now)
    return profile(database, subscriber_id)


def pause(database: Database, subscriber_id: int, *, now: datetime) -> bool:
    """Leave every list and keep the profile; ticking lists again resumes. False if gone."""
    with database.write() as conn:
        if signups.subscriber_by_id(conn, subscriber_id) is None:
            return False
        signups.leave_lists(conn, subscriber_id, None, now=now)
    return True


def unsubscribe(database: Database, subscriber_id: int, *, now: datetime) -> bool:
    """Leave every list; an active or unconfirmed subscriber becomes ``unsubscribed``.

    Repeating it is harmless; False when there is nobody to unsubscribe (erased).
    """
    with database.write() as conn:
        if signups.subscriber_by_id(conn, subscriber_id) is None:
            return False
        signups.leave_lists(conn, subscriber_id, None, now=now)
        signups.set_status(
            conn, subscriber_id, "unsubscribed", only_from=LEAVES_TO_UNSUBSCRIBED, now=now
        )
    return True


def export(database: Database, subscriber_id: int) -> dict[str, Any] | None:
    """Everything held on them (what ``mailer subscribers show --json`` prints); None if gone."""
    found = profile(database, subscriber_id)
    return None if found is None else people.show(database, found.email)


def erase(database: Database, subscriber_id: int, *, now: datetime) -> bool:
    """Erase them, keeping only a salted hash so the address is never mailed again."""
    found = profile(database, subscriber_id)
    return found is not None and people.erase(database, found.email, now=now)
