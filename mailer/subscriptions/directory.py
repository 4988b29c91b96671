"""One subscriber at a time, as the REST API changes them: look up, create, update.

Creating follows the import's rules for one person: a suppressed (erased, bounced,
complained) address is refused, an existing one is a ``Conflict`` (change it instead).
Updating never brings anyone back: status may go from ``unconfirmed`` to ``active``
(confirmed by the caller) or to ``unsubscribed`` / ``blocklisted``; a list the person left
is not rejoined for them. Every bad field is reported at once and nothing is stored then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mailer.core.privacy import address_hash
from mailer.core.subscribers import (
    IMPORT_STATUSES,
    MAX_NAME,
    check_text,
    email_key,
    normalise_attribute,
    normalise_country,
    normalise_email,
    normalise_language,
    split_interests,
    subscriber_from_fields,
)
from mailer.core.text import is_ascii_digits
from mailer.db import Connection, Database, signups, suppression
from mailer.db import subscriber_changes as changes_log
from mailer.db import subscribers as queries
from mailer.errors import Conflict, InvalidRecord, InvalidValue, NotFound
from mailer.subscriptions import people

SETTABLE_STATUSES = ("active", "unsubscribed", "blocklisted")


def find(database: Database, ref: str) -> dict[str, Any]:
    """Everything held on the subscriber with this id or address; ``NotFound`` otherwise."""
    return people.show(database, _address(database, ref))


def _address(database: Database, ref: str) -> str:
    if is_ascii_digits(ref):
        with database.read() as conn:
            row = signups.subscriber_by_id(conn, int(ref)) if int(ref) < 2**31 else None
        if row is None:
            raise NotFound("subscriber", ref)
        return str(row["email"])
    try:
        return normalise_email(ref)
    except InvalidValue:
        raise NotFound("subscriber", ref) from None


def _list_ids(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    found = signups.list_ids(conn, names)
    missing = [name for name in names if name not in found]
    if missing:
        raise NotFound("list", ", ".join(missing))
    return found


def create(
    database: Database,
    fields: Mapping[str, object],
    *,
    lists: Sequence[str],
    status: str,
    source: str,
    ip: str | None,
    now: datetime,
) -> dict[str, Any]:
    """Store a new subscriber on ``lists`` with ``status``; returns what ``find`` would."""
    problems: list[InvalidValue] = []
    if status not in IMPORT_STATUSES:
        problems.append(InvalidValue("status", f"must be one of {', '.join(IMPORT_STATUSES)}"))
    try:
        given = subscriber_from_fields(fields)
    except InvalidRecord as exc:
        problems = exc.problems + problems
    if problems:
        raise InvalidRecord(problems)
    key = email_key(given.email)
    with database.write() as conn:
        reason = suppression.suppression_reason(conn, address_hash(suppression.salt(conn), key))
        if reason is not None:
            raise Conflict(f"{given.email} is suppressed ({reason}); it cannot be added again")
        if queries.find_by_key(conn, key) is not None:
            raise Conflict(f"subscriber {given.email} exists already; change it with PATCH")
        list_ids = _list_ids(conn, lists)
        row = {
            "email": given.email,
            "email_key": key,
            "name": given.name or "",
            "country": given.country,
            "language": given.language,
            "status": status,
            "attributes": dict(given.attributes),
            "created_at": now,
            "updated_at": now,
            "consent_source": source,
            "consent_at": now,
            "consent_ip": ip,
        }
        subscriber_id = queries.insert_subscribers(conn, [row])[key]
        interest_ids = queries.interest_ids(conn, given.interests)
        signups.set_interests(conn, subscriber_id, interest_ids.values())
        for list_id in list_ids.values():
            queries.upsert_subscriptions(conn, list_id, {subscriber_id: status}, now=now)
    return people.show(database, given.email)


@dataclass(frozen=True)
class Changes:
    """What a PATCH gives; ``None`` leaves a field alone, ``""`` clears country or language."""

    name: str | None = None
    country: str | None = None
    language: str | None = None
    interests: Sequence[str] | None = None  # replaces them all
    attributes: Mapping[str, object] | None = None  # merged; a None value removes the key
    status: str | None = None
    subscribe: Sequence[str] = ()
    unsubscribe: Sequence[str] = ()


@dataclass
class _Checked:
    profile: dict[str, Any] = field(default_factory=dict)
    interests: tuple[str, ...] | None = None
    problems: list[InvalidValue] = field(default_factory=list)


def _check(changes: Changes) -> _Checked:
    out = _Checked()

    def attempt(name: str, value: str | None, check: Any) -> None:
        if value is None:
            return
        try:
            out.profile[name] = check(value) if value.strip() else None
        except InvalidValue as exc:
            out.problems.append(exc)

    attempt("name", changes.name, lambda v: check_text("name", v, max_length=MAX_NAME))
    attempt("country", changes.country, normalise_country)
    attempt("language", changes.language, normalise_language)
    if "name" in out.profile and out.profile["name"] is None:
        out.profile["name"] = ""
    if changes.interests is not None:
        try:
            out.interests = split_interests(";".join(changes.interests))
        except InvalidValue as exc:
            out.problems.append(exc)
    if changes.status is not None and changes.status not in SETTABLE_STATUSES:
        out.problems.append(
            InvalidValue("status", f"can be set to {', '.join(SETTABLE_STATUSES)} only")
        )
    for key, value in (changes.attributes or {}).items():
        try:
            if value is not None:
                normalise_attribute(key, value)
        except InvalidValue as exc:
            out.problems.append(exc)
    return out


def update(
    database: Database, ref: str, changes: Changes, *, now: datetime, by: str | None = None
) -> dict[str, Any]:
    """Apply ``changes`` to the subscriber with this id or address; returns ``find``'s record.
    ``by`` (a staff member) records what changed in the subscriber's change log."""
    checked = _check(changes)
    if checked.problems:
        raise InvalidRecord(checked.problems)
    email = _address(database, ref)
    with database.write() as conn:
        row = queries.find_by_key(conn, email_key(email))
        if row is None:
            raise NotFound("subscriber", ref)
        subscriber_id, status = int(row["id"]), str(row["status"])
        attributes = dict(row["attributes"] or {})
        for key, value in (changes.attributes or {}).items():
            pair = None if value is None else normalise_attribute(key, value)
            attributes.pop(key.strip(), None)
            if pair:
                attributes[pair[0]] = pair[1]
        fields = {name: row[name] for name in ("name", "country", "language")}
        fields.update(checked.profile)
        queries.update_subscribers(
            conn,
            [
                {
                    "id": subscriber_id,
                    **fields,
                    "status": status,
                    "attributes": attributes,
                    "updated_at": now,
                }
            ],
        )
        before = queries.interests_of(conn, [subscriber_id])[subscriber_id]
        if checked.interests is not None:
            ids = queries.interest_ids(conn, checked.interests)
            signups.set_interests(conn, subscriber_id, ids.values())
        old_status = status
        status = _set_status(conn, subscriber_id, status, changes.status, now=now)
        _lists(conn, subscriber_id, status, changes, now=now)
        if by is not None:
            detail = describe(row, fields, before, checked.interests, old_status, status, changes)
            if detail:
                changes_log.record(
                    conn, subscriber_id, actor=by, action="edited", detail=detail, now=now
                )
    return people.show(database, email)


def describe(
    row: Mapping[str, Any],
    fields: Mapping[str, Any],
    interests_before: Sequence[str],
    interests_after: Sequence[str] | None,
    status_before: str,
    status_after: str,
    changes: Changes,
) -> str:
    """What an update changed, in words: ``country: GE → AM; interests: fatherhood → …``."""
    said: list[str] = []
    for name in ("name", "country", "language"):
        old, new = row[name] or "", fields[name] or ""
        if old != new:
            said.append(f"{name}: {old or '—'} → {new or '—'}")
    if interests_after is not None and sorted(interests_before) != sorted(interests_after):
        old_text = ", ".join(sorted(interests_before)) or "—"
        said.append(f"interests: {old_text} → {', '.join(sorted(interests_after)) or '—'}")
    if status_before != status_after:
        said.append(f"status: {status_before} → {status_after}")
    if changes.unsubscribe:
        said.append(f"unsubscribed from {', '.join(changes.unsubscribe)}")
    if changes.subscribe:
        said.append(f"subscribed to {', '.join(changes.subscribe)}")
    return "; ".join(said)


def _set_status(
    conn: Connection, subscriber_id: int, current: str, wanted: str | None, *, now: datetime
) -> str:
    if wanted is None or wanted == current:
        return current
    if wanted == "active":
        if current != "unconfirmed":
            raise Conflict(f"a subscriber who is {current} cannot be made active through the API")
        signups.confirm(conn, subscriber_id, now=now)
    else:
        signups.leave_lists(conn, subscriber_id, None, now=now)
        signups.set_status(conn, subscriber_id, wanted, only_from=(current,), now=now)
    return wanted


def _lists(
    conn: Connection, subscriber_id: int, status: str, changes: Changes, *, now: datetime
) -> None:
    both = sorted(set(changes.subscribe) & set(changes.unsubscribe))
    if both:
        raise InvalidValue("subscribe", f"{', '.join(both)} also in unsubscribe")
    if changes.unsubscribe:
        ids = _list_ids(conn, changes.unsubscribe)
        signups.leave_lists(conn, subscriber_id, ids.values(), now=now)
    if not changes.subscribe:
        return
    if status not in ("active", "unconfirmed"):
        raise Conflict(f"a subscriber who is {status} cannot be put on a list")
    ids = _list_ids(conn, changes.subscribe)
    current = signups.subscription_statuses(conn, subscriber_id)
    left = [name for name in ids if current.get(name) == "unsubscribed"]
    if left:
        raise Conflict(f"they left {', '.join(left)}; only they can join again (preferences page)")
    joining = "unconfirmed" if status == "unconfirmed" else "active"
    for name, list_id in ids.items():
        if name not in current:
            queries.upsert_subscriptions(conn, list_id, {subscriber_id: joining}, now=now)
