"""How bounce events are stored, and how a policy decision changes a subscriber.

``record`` is the one place any channel (send-time rejections, the receiver, a mailbox, a
webhook) writes a bounce: it reads the subscriber's standing, asks ``core.bounce_policy``, and
writes the event and its consequences in the caller's transaction. An unverified event (nothing
vouches for the person it names) is written without consequences; ``apply`` gives it them later,
when staff decide to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.core import privacy
from mailer.core.bounce_policy import BouncePolicy, Decision, Standing, decide
from mailer.core.bounces import Kind
from mailer.core.privacy import address_hash
from mailer.core.subscribers import email_key
from mailer.db import suppression
from mailer.db.schema import bounce_event, campaign, delivery, subscriber, subscription
from mailer.errors import Conflict, NotFound

DIAGNOSTIC_CHARS = 1000
UNVERIFIED = "unverified: not applied (staff may apply it)"


@dataclass(frozen=True)
class NewEvent:
    source: str
    kind: Kind
    recipient: str
    subscriber_id: int | None = None
    delivery_id: int | None = None
    campaign_id: int | None = None
    status: str | None = None
    diagnostic: str | None = None
    blocked: bool = False  # a 5.7.x policy rejection: recorded, address kept
    attributed_by: str = "none"
    raw: bytes | None = None
    # False: nothing vouches that this report concerns this subscriber; recorded, not applied
    verified: bool = True


@dataclass(frozen=True)
class SentDelivery:
    id: int
    campaign_id: int
    subscriber_id: int
    message_id: str | None
    state: str


def record(conn: sa.Connection, event: NewEvent, policy: BouncePolicy, *, now: datetime) -> str:
    """Writes one event and applies the policy to its subscriber; returns what was done.

    Locks the subscriber row first (FOR UPDATE on PostgreSQL; SQLite's write transaction is
    exclusive already), so two channels reporting the same person at once add to the score one
    after the other instead of both reading the old score.
    """
    action = "not attributed to a subscriber"
    recipient = event.recipient
    found = None if event.subscriber_id is None else _standing(conn, event.subscriber_id)
    if event.subscriber_id is not None and found is not None and not event.verified:
        recipient = recipient or found[0]
        action = UNVERIFIED
    elif event.subscriber_id is not None and found is not None:
        email, standing = found
        recipient = recipient or email
        decision = decide(policy, standing, event.kind, blocked=event.blocked, now=now)
        _apply(conn, event.subscriber_id, email, decision, now=now)
        action = decision.action
        _mark_delivery(conn, event.delivery_id, event.kind, event.blocked, now=now)
    elif event.verified:
        _mark_delivery(conn, event.delivery_id, event.kind, event.blocked, now=now)
    conn.execute(
        sa.insert(bounce_event).values(
            created_at=now,
            source=event.source,
            kind=event.kind.value,
            recipient=recipient[:320],
            subscriber_id=event.subscriber_id,
            delivery_id=event.delivery_id,
            campaign_id=event.campaign_id,
            status=event.status,
            diagnostic=(event.diagnostic or "")[:DIAGNOSTIC_CHARS] or None,
            attributed_by=event.attributed_by,
            action=action[:200],
            raw=event.raw,
            verified=event.verified,
        )
    )
    return action


def _mark_delivery(
    conn: sa.Connection, delivery_id: int | None, kind: Kind, blocked: bool, *, now: datetime
) -> None:
    """A hard bounce (not a 5.7.x policy rejection) marks its sent delivery ``bounced``."""
    if delivery_id is not None and kind == Kind.HARD and not blocked:
        conn.execute(
            sa.update(delivery)
            .where(delivery.c.id == delivery_id, delivery.c.state == "sent")
            .values(state="bounced", updated_at=now)
        )


def apply(
    conn: sa.Connection, event_id: int, policy: BouncePolicy, *, by: str, now: datetime
) -> tuple[str, str]:
    """Applies an unverified event's policy to its subscriber, as staff decided; returns the
    recipient and what was done. Locks the event row (PostgreSQL), then the subscriber's.

    Raises ``NotFound`` for no such event, ``Conflict`` for one already applied, verified
    when it came, or naming no subscriber (a stranger's address, or one erased since).
    """
    e = bounce_event.c
    query = sa.select(
        e.subscriber_id, e.delivery_id, e.kind, e.status, e.recipient, e.verified, e.applied_by
    ).where(e.id == event_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound("bounce event", str(event_id))
    if row.applied_by is not None:
        raise Conflict(f"bounce event {event_id} was already applied by {row.applied_by}")
    if row.verified:
        raise Conflict(f"bounce event {event_id} was verified: its policy applied when it came")
    found = None if row.subscriber_id is None else _standing(conn, row.subscriber_id)
    if found is None:
        raise Conflict(
            f"bounce event {event_id} names no subscriber; there is nobody to apply it to"
        )
    email, standing = found
    kind = Kind(row.kind)
    blocked = kind == Kind.HARD and (row.status or "").startswith("5.7.")
    decision = decide(policy, standing, kind, blocked=blocked, now=now)
    _apply(conn, row.subscriber_id, email, decision, now=now)
    _mark_delivery(conn, row.delivery_id, kind, blocked, now=now)
    action = f"{decision.action} (applied by {by})"
    conn.execute(
        sa.update(bounce_event)
        .where(e.id == event_id)
        .values(action=action[:200], applied_by=by[:320], applied_at=now)
    )
    return row.recipient, action


def _standing(conn: sa.Connection, subscriber_id: int) -> tuple[str, Standing] | None:
    """Reads and locks (PostgreSQL) the subscriber's address and bounce standing."""
    c = subscriber.c
    query = sa.select(c.email, c.status, c.bounce_score, c.last_soft_bounce_at).where(
        c.id == subscriber_id
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        return None
    return row.email, Standing(row.status, row.bounce_score, row.last_soft_bounce_at)


def _apply(
    conn: sa.Connection, subscriber_id: int, email: str, decision: Decision, *, now: datetime
) -> None:
    values: dict[str, Any] = {
        "bounce_score": decision.score,
        "last_soft_bounce_at": decision.last_soft_at,
    }
    if decision.status is not None:
        values.update(status=decision.status, updated_at=now)
    conn.execute(sa.update(subscriber).where(subscriber.c.id == subscriber_id).values(**values))
    if decision.unsubscribe_all:
        conn.execute(
            sa.update(subscription)
            .where(subscription.c.subscriber_id == subscriber_id)
            .where(subscription.c.status != "unsubscribed")
            .values(status="unsubscribed", updated_at=now)
        )
    if decision.suppress is not None:
        key_hash = address_hash(suppression.salt(conn), email_key(email))
        suppression.suppress(conn, key_hash, reason=decision.suppress, now=now)


def delivery_by_id(conn: sa.Connection, delivery_id: int) -> SentDelivery | None:
    """Reads one delivery (any state); locks nothing."""
    c = delivery.c
    query = sa.select(c.id, c.campaign_id, c.subscriber_id, c.message_id, c.state).where(
        c.id == delivery_id
    )
    row = conn.execute(query).first()
    return None if row is None else SentDelivery(*row)


def latest_delivery(
    conn: sa.Connection, subscriber_id: int, since: datetime
) -> SentDelivery | None:
    """Reads the subscriber's most recent delivery handed to a relay since ``since``."""
    c = delivery.c
    query = (
        sa.select(c.id, c.campaign_id, c.subscriber_id, c.message_id, c.state)
        .where(c.subscriber_id == subscriber_id, c.sent_at.is_not(None), c.sent_at >= since)
        .order_by(c.sent_at.desc(), c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return None if row is None else SentDelivery(*row)


def email_key_of(conn: sa.Connection, subscriber_id: int) -> str | None:
    """Reads one subscriber's ``email_key``; None when there is no such subscriber."""
    query = sa.select(subscriber.c.email_key).where(subscriber.c.id == subscriber_id)
    found = conn.execute(query).scalar()
    return None if found is None else str(found)


def subscriber_by_key(conn: sa.Connection, key: str) -> int | None:
    found = conn.execute(sa.select(subscriber.c.id).where(subscriber.c.email_key == key)).scalar()
    return None if found is None else int(found)


def reset_score(conn: sa.Connection, subscriber_id: int) -> float:
    """Clears a subscriber's bounce score; returns the score it had. Status is not changed."""
    before = conn.execute(
        sa.select(subscriber.c.bounce_score).where(subscriber.c.id == subscriber_id)
    ).scalar_one()
    conn.execute(
        sa.update(subscriber)
        .where(subscriber.c.id == subscriber_id)
        .values(bounce_score=0, last_soft_bounce_at=None)
    )
    return float(before)


_LISTED = (
    "id",
    "created_at",
    "source",
    "kind",
    "recipient",
    "status",
    "diagnostic",
    "attributed_by",
    "action",
    "delivery_id",
    "verified",
    "applied_by",
)


def events(
    conn: sa.Connection,
    *,
    since: datetime | None = None,
    kind: str | None = None,
    subscriber_id: int | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Reads events, newest first, with the subscriber's address and the campaign's slug."""
    e = bounce_event.c
    query = (
        sa.select(
            *(e[name] for name in _LISTED),
            campaign.c.slug.label("campaign"),
            subscriber.c.email.label("subscriber"),
        )
        .select_from(
            bounce_event.outerjoin(campaign, campaign.c.id == e.campaign_id).outerjoin(
                subscriber, subscriber.c.id == e.subscriber_id
            )
        )
        .order_by(e.created_at.desc(), e.id.desc())
        .limit(limit)
    )
    if since is not None:
        query = query.where(e.created_at >= since)
    if kind is not None:
        query = query.where(e.kind == kind)
    if subscriber_id is not None:
        query = query.where(e.subscriber_id == subscriber_id)
    return [dict(row._mapping) for row in conn.execute(query)]


def erased_address(conn: sa.Connection, key: str) -> bool:
    """Whether ``key`` (an ``email_key``) was erased: no subscriber has it, and its salted hash
    is on the suppression list. Reads two rows; locks nothing."""
    if subscriber_by_key(conn, key) is not None:
        return False
    salt = suppression.existing_salt(conn)
    return (
        salt is not None
        and suppression.suppression_reason(conn, address_hash(salt, key)) is not None
    )


def forget_address(conn: sa.Connection, key: str, *, batch: int = 200) -> int:
    """Removes the address ``key`` (an ``email_key``) from every bounce event left after its
    subscriber's were deleted: a recipient naming it becomes ``privacy.ERASED``, a diagnostic
    quoting it is scrubbed, a raw message quoting it (even base64-encoded) is dropped. Returns
    how many events changed. Reads every event, ``batch`` at a time by id; writes only those.
    """
    e = bounce_event.c
    changed, last = 0, 0
    while True:
        rows = conn.execute(
            sa.select(e.id, e.recipient, e.diagnostic, e.raw)
            .where(e.id > last)
            .order_by(e.id)
            .limit(batch)
        ).all()
        if not rows:
            return changed
        for row in rows:
            values: dict[str, Any] = {}
            if privacy.mentions(row.recipient, key):
                values["recipient"] = privacy.ERASED
            if privacy.mentions(row.diagnostic, key):
                values["diagnostic"] = privacy.scrub(row.diagnostic, key)[:DIAGNOSTIC_CHARS]
            if row.raw is not None and privacy.quotes(bytes(row.raw), key):
                values["raw"] = None
            if values:
                conn.execute(sa.update(bounce_event).where(e.id == row.id).values(**values))
                changed += 1
        last = rows[-1].id


def raw_message(conn: sa.Connection, event_id: int) -> bytes | None:
    found = conn.execute(sa.select(bounce_event.c.raw).where(bounce_event.c.id == event_id))
    value = found.scalar()
    return None if value is None else bytes(value)


def forget_raw(conn: sa.Connection, *, before: datetime) -> int:
    """Drops the raw messages of events older than ``before`` (the events stay)."""
    result = conn.execute(
        sa.update(bounce_event)
        .where(bounce_event.c.created_at < before, bounce_event.c.raw.is_not(None))
        .values(raw=None)
    )
    return int(result.rowcount or 0)
