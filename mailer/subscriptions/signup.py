"""Signing up on the public form, double opt-in: store ``unconfirmed``, mail a link, confirm.

The answer a visitor sees never tells whether an address is already subscribed: an active
subscriber, a bounced or suppressed address and a new one all get the same page. ``subscribe``
is the whole flow: ``request_signup`` commits, then the confirmation mail is sent by the
function it is handed (``App.subscribe`` hands it the system mail: use cases do not call each
other); when the mail cannot be sent, ``confirmation_failed`` undoes what this request wrote, so
trying again later works.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from mailer.core.owners import confirm_link_expired
from mailer.core.privacy import address_hash
from mailer.core.subscribers import (
    MAX_NAME,
    check_text,
    email_key,
    normalise_country,
    normalise_email,
    normalise_interest,
    normalise_language,
)
from mailer.core.vocabulary import title_in
from mailer.db import Connection, Database, signups, suppression
from mailer.db import interests as interest_queries
from mailer.db import subscribers as subscriber_queries
from mailer.errors import InvalidRecord, InvalidValue, StorageError

T = TypeVar("T")

RESEND_AFTER = timedelta(days=1)  # at most one confirmation mail a day per address
# Who may be sent a confirmation: the rest (bounced, complained, blocklisted) silently get none.
MAY_CONFIRM = ("unconfirmed", "active", "unsubscribed")
MAX_SOURCE = 100


@dataclass(frozen=True)
class Offer:
    """What the form offers: list names with their descriptions, and the public interests'
    slugs; with the titles a reader sees of each, by language (``labels``)."""

    lists: dict[str, str]
    interests: tuple[str, ...]
    list_titles: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    interest_titles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def list_labels(self, language: str) -> list[tuple[str, str, str]]:
        """(name, title, description) of each list offered, as a reader of ``language``
        sees them: its titles there, else English; the name only for a list never titled."""
        labels = []
        for name, description in self.lists.items():
            titles = self.list_titles.get(name, {})
            title = title_in({t: v.get("title", "") for t, v in titles.items()}, language)
            said = {t: v.get("description", "") for t, v in titles.items() if v.get("title")}
            labels.append((name, title or name, title_in(said, language, description)))
        return labels

    def interest_labels(self, language: str) -> list[tuple[str, str]]:
        """(slug, title) of each interest offered in ``language``, by title."""
        labels = [
            (slug, title_in(self.interest_titles.get(slug, {}), language, slug))
            for slug in self.interests
        ]
        return sorted(labels, key=lambda label: label[1].casefold())


@dataclass(frozen=True)
class SignupForm:
    """The form as posted (raw text); ``interests`` and ``lists`` are repeatable fields."""

    email: str = ""
    name: str = ""
    country: str = ""
    language: str = ""
    interests: Sequence[str] = ()
    lists: Sequence[str] = ()
    source: str = ""


@dataclass(frozen=True)
class Signup:
    """A valid form, normalised."""

    email: str
    name: str
    country: str | None
    language: str | None
    interests: tuple[str, ...]
    lists: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class ConfirmationDue:
    """A confirmation mail to send now; ``created`` when this request made the subscriber."""

    subscriber_id: int
    email: str
    language: str | None
    lists: tuple[str, ...]
    created: bool
    link_nonce: str  # for the links of the mail (mailer.core.owners)


def offer(database: Database, public_lists: Sequence[str]) -> Offer:
    """The lists (those named in ``public_lists``, or every list) and the public interests,
    with their titles."""
    with database.read() as conn:
        described = signups.list_descriptions(conn)
        interests = interest_queries.public_interests(conn)
        list_titles = interest_queries.list_titles(conn)
    wanted = [name for name in public_lists if name in described] if public_lists else described
    return Offer(
        {name: described[name] for name in sorted(wanted)},
        tuple(sorted(interests)),
        list_titles,
        interests,
    )


def validate(form: SignupForm, offered: Offer) -> Signup:
    """The normalised signup, or ``InvalidRecord`` naming every bad field at once."""
    problems: list[InvalidValue] = []
    email, name, country, language = "", "", None, None
    interests: list[str] = []
    try:
        if not form.email.strip():
            raise InvalidValue("email", "is missing")
        email = normalise_email(form.email)
    except InvalidValue as exc:
        problems.append(exc)
    name, country, language, interests = profile_fields(
        form.name, form.country, form.language, form.interests, offered, problems
    )
    try:
        lists = chosen_lists(form.lists, offered)
    except InvalidValue as exc:
        problems.append(exc)
        lists = ()
    source = " ".join(form.source.split())[:MAX_SOURCE]
    if problems:
        raise InvalidRecord(problems)
    return Signup(email, name, country, language, tuple(interests), lists, source)


def profile_fields(
    name: str,
    country: str,
    language: str,
    interests: Sequence[str],
    offered: Offer,
    problems: list[InvalidValue],
) -> tuple[str, str | None, str | None, list[str]]:
    """Name, country, language and interests as a form typed them, normalised; each bad one
    is added to ``problems`` (and comes back empty), so a form reports every field at once."""
    no_interests: list[str] = []
    return (
        _checked(problems, lambda: check_text("name", name, max_length=MAX_NAME), ""),
        _checked(problems, lambda: normalise_country(country) if country.strip() else None, None),
        _checked(
            problems, lambda: normalise_language(language) if language.strip() else None, None
        ),
        _checked(problems, lambda: known_interests(interests, offered), no_interests),
    )


def _checked(problems: list[InvalidValue], step: Callable[[], T], empty: T) -> T:
    try:
        return step()
    except InvalidValue as exc:
        problems.append(exc)
        return empty


def known_interests(names: Sequence[str], offered: Offer) -> list[str]:
    """The interests, normalised; one the form does not offer is an error naming it."""
    found = dict.fromkeys(normalise_interest(name) for name in names if name.strip())
    unknown = [name for name in found if name not in offered.interests]
    if unknown:
        raise InvalidValue("interests", f"unknown interest {', '.join(map(repr, unknown))}")
    return list(found)


def chosen_lists(names: Sequence[str], offered: Offer) -> tuple[str, ...]:
    """The lists chosen; none chosen means the only list offered, if there is exactly one."""
    chosen = tuple(dict.fromkeys(name.strip() for name in names if name.strip()))
    unknown = [name for name in chosen if name not in offered.lists]
    if unknown:
        raise InvalidValue("lists", f"unknown list {', '.join(map(repr, unknown))}")
    if not chosen and len(offered.lists) == 1:
        return tuple(offered.lists)
    if not chosen:
        raise InvalidValue("lists", "choose at least one list")
    return chosen


def request_signup(
    database: Database, signup: Signup, *, ip: str | None, now: datetime
) -> ConfirmationDue | None:
    """See ``_request_signup``; tried twice, as two forms for one new address posted at the
    same moment race to insert it and the loser's second try finds the winner's row."""
    try:
        return _request_signup(database, signup, ip=ip, now=now)
    except StorageError:
        return _request_signup(database, signup, ip=ip, now=now)


def _request_signup(
    database: Database, signup: Signup, *, ip: str | None, now: datetime
) -> ConfirmationDue | None:
    """Store the signup and say whether a confirmation mail is due (None: send nothing).

    A new address becomes an ``unconfirmed`` subscriber with consent evidence (source, time,
    IP). An unconfirmed one gets the form's profile. An active or unsubscribed one keeps their
    profile (an unconfirmed form may not change it) and joins the new lists ``unconfirmed``.
    Suppressed, bounced, complained and blocklisted addresses get nothing; so does an address
    sent a confirmation less than a day ago.
    """
    key = email_key(signup.email)
    with database.write() as conn:
        salt = suppression.existing_salt(conn)
        if salt and suppression.suppression_reason(conn, address_hash(salt, key)):
            return None
        row = subscriber_queries.find_by_key(conn, key)
        if row is None:
            subscriber_id, nonce = signups.insert_pending(
                conn,
                email=signup.email,
                email_key=key,
                name=signup.name,
                country=signup.country,
                language=signup.language,
                source=f"web:{signup.source or 'subscribe'}",
                ip=ip,
                now=now,
            )
            status, email, language, joined = "unconfirmed", signup.email, signup.language, {}
        else:
            subscriber_id, status, email = int(row["id"]), str(row["status"]), str(row["email"])
            nonce = str(row["link_nonce"])
            language = row["language"] or signup.language
            if status not in MAY_CONFIRM:
                return None
            sent_at = row["confirm_sent_at"]
            if sent_at is not None and now - sent_at < RESEND_AFTER:
                return None
            joined = signups.subscription_statuses(conn, subscriber_id)
        if status == "unconfirmed":
            signups.set_profile(
                conn,
                subscriber_id,
                name=signup.name,
                country=signup.country,
                language=signup.language,
                now=now,
            )
            language = signup.language
            ids = subscriber_queries.interest_ids(conn, signup.interests)
            signups.set_interests(conn, subscriber_id, ids.values())
        pending = tuple(name for name in signup.lists if joined.get(name) != "active")
        if not pending and status == "active":
            return None  # already on every list asked for: nothing to confirm
        for list_id in signups.list_ids(conn, pending).values():
            subscriber_queries.upsert_subscriptions(
                conn, list_id, {subscriber_id: "unconfirmed"}, now=now
            )
        return ConfirmationDue(subscriber_id, email, language, pending, row is None, nonce)


async def subscribe(
    database: Database,
    signup: Signup,
    *,
    ip: str | None,
    now: datetime,
    send_confirmation: Callable[[ConfirmationDue], Awaitable[bool]],
) -> bool:
    """Store the signup, mail the confirmation if one is due, and record which happened.

    False when the mail could not be sent: nothing of the attempt is kept, and the visitor is
    asked to try again later. True for everything else, whoever the address belongs to.
    """
    due = await asyncio.to_thread(request_signup, database, signup, ip=ip, now=now)
    if due is None:
        return True
    if not await send_confirmation(due):
        await asyncio.to_thread(confirmation_failed, database, due)
        return False
    await asyncio.to_thread(confirmation_sent, database, due, now=now)
    return True


def confirmation_sent(database: Database, due: ConfirmationDue, *, now: datetime) -> None:
    """Record the mail, so no second one goes out within a day."""
    with database.write() as conn:
        signups.set_confirm_sent(conn, due.subscriber_id, at=now)


def confirmation_failed(database: Database, due: ConfirmationDue) -> None:
    """The mail could not be sent: forget a subscriber this request created (nothing of a
    person we never reached is kept), so the visitor can simply try again later."""
    if due.created:
        with database.write() as conn:
            subscriber_queries.delete_subscriber(conn, due.subscriber_id)


class Confirmation(enum.Enum):
    """What a confirmation link does (``confirmation``) or did (``confirm``)."""

    READY = "ready"  # it confirms when posted
    DONE = "done"  # confirmed, or nothing was waiting (an old link after leaving)
    EXPIRED = "expired"  # older than 7 days: the form mails a new one
    REFUSED = "refused"  # nobody, or a status that may not be confirmed (bounced ...)


def confirmation(
    database: Database, subscriber_id: int, *, made_at: datetime | None, now: datetime
) -> Confirmation:
    """What posting a confirmation link made at ``made_at`` would do (changes nothing).

    ``made_at`` is ``None`` for a link made before links said when: it counts from the last
    confirmation mail the person was sent (else from when they signed up).
    """
    with database.read() as conn:
        return _judge(conn, subscriber_id, made_at, now)


def confirm(
    database: Database, subscriber_id: int, *, made_at: datetime | None, now: datetime
) -> Confirmation:
    """Confirm a subscriber: ``active`` with ``confirmed_at``, their pending lists active.

    ``REFUSED`` when there is no such subscriber or their status forbids it (bounced,
    complained, blocklisted); ``EXPIRED`` when something waits but the link is over 7 days
    old. Confirming twice is harmless.
    """
    return confirm_and_welcome(database, subscriber_id, made_at=made_at, now=now)[0]


def confirm_and_welcome(
    database: Database, subscriber_id: int, *, made_at: datetime | None, now: datetime
) -> tuple[Confirmation, ConfirmationDue | None]:
    """``confirm``, and the welcome mail now due: only when this confirmed someone never
    confirmed before (posting the link again, or coming back after leaving, gets none)."""
    welcome = None
    with database.write() as conn:
        judged = _judge(conn, subscriber_id, made_at, now)
        if judged is Confirmation.READY:
            row = signups.subscriber_by_id(conn, subscriber_id)
            assert row is not None, "_judge found it in this transaction"
            signups.confirm(conn, subscriber_id, now=now)
            judged = Confirmation.DONE
            if row["confirmed_at"] is None:
                statuses = signups.subscription_statuses(conn, subscriber_id)
                lists = tuple(sorted(name for name, s in statuses.items() if s == "active"))
                welcome = ConfirmationDue(
                    subscriber_id, row["email"], row["language"], lists, False, row["link_nonce"]
                )
    return judged, welcome


def _judge(
    conn: Connection, subscriber_id: int, made_at: datetime | None, now: datetime
) -> Confirmation:
    row = signups.subscriber_by_id(conn, subscriber_id)
    if row is None or row["status"] not in MAY_CONFIRM:
        return Confirmation.REFUSED
    lists = signups.subscription_statuses(conn, subscriber_id)
    if row["status"] != "unconfirmed" and "unconfirmed" not in lists.values():
        return Confirmation.DONE  # an old link after confirming or leaving: nothing waits
    made_at = made_at or row["confirm_sent_at"] or row["consent_at"] or row["created_at"]
    return Confirmation.EXPIRED if confirm_link_expired(made_at, now) else Confirmation.READY
