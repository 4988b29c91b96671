"""What a link token names: a subscriber or a delivery, and the person's link nonce.

A token's subject (``mailer.core.tokens``) is ``s<subscriber id>.<nonce>`` for the links of
a person (confirm, unsubscribe, preferences) and ``d<delivery id>.<nonce>`` for those of one
message (VERP return path, ``unsubscribe+`` mailto, open and click tracking), where the nonce
is the subscriber's ``link_nonce``: random, made with the row, gone when the person is
erased. A token whose nonce is not the current owner's names nobody, even if an id came back
(ids are never reused, but a restored backup or a copied database can bring one back).

A confirmation link adds when it was made, ``s<id>.<nonce>.t<unix time>``, and confirms
for ``CONFIRM_LINKS_LAST`` (7 days) from then.

Tokens made before link nonces (migration 0007) say ``s<id>`` or ``d<id>``: ``nonce`` is
``None`` for them, and ``mailer.db.links`` honours them only for rows that existed when the
migration ran, whose ids no later row can take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

NONCE = "[A-Za-z0-9_-]{8,16}"
_ID = "[1-9][0-9]{0,17}"  # 0 names nobody: it is the preview recipient's
_SUBSCRIBER = re.compile(rf"s({_ID})(?:\.({NONCE}))?")
_DELIVERY = re.compile(rf"d({_ID})(?:\.({NONCE}))?")
_CLICK = re.compile(rf"d({_ID})(?:\.({NONCE}))?\.l(0|[1-9][0-9]{{0,5}})")
# a confirmation link also says when it was made: it lasts CONFIRM_LINKS_LAST from then
_CONFIRM = re.compile(rf"s({_ID})(?:\.({NONCE})(?:\.t([0-9]{{1,11}}))?)?")
CONFIRM_LINKS_LAST = timedelta(days=7)


@dataclass(frozen=True)
class Named:
    """A row a token names, with the owner's link nonce (``None``: a token made before)."""

    id: int
    nonce: str | None


@dataclass(frozen=True)
class Owner:
    """The subscriber a valid link names, with their link nonce (for the links a page shows)."""

    id: int
    nonce: str


def subscriber_subject(subscriber_id: int, nonce: str) -> str:
    """``s<id>.<nonce>``; an empty nonce (the preview recipient) makes a subject nobody owns."""
    return f"s{subscriber_id}.{nonce}"


def confirm_subject(subscriber_id: int, nonce: str, made_at: datetime) -> str:
    """``s<id>.<nonce>.t<unix time>``: ``made_at`` is naive UTC, like every stored time."""
    return f"s{subscriber_id}.{nonce}.t{int(made_at.replace(tzinfo=UTC).timestamp())}"


def delivery_subject(delivery_id: int, nonce: str) -> str:
    return f"d{delivery_id}.{nonce}"


def click_subject(delivery_id: int, nonce: str, link: int) -> str:
    return f"d{delivery_id}.{nonce}.l{link}"


def read_subscriber(subject: str | None) -> Named | None:
    found = _SUBSCRIBER.fullmatch(subject) if subject else None
    return Named(int(found[1]), found[2]) if found else None


def read_delivery(subject: str | None) -> Named | None:
    found = _DELIVERY.fullmatch(subject) if subject else None
    return Named(int(found[1]), found[2]) if found else None


def read_click(subject: str | None) -> tuple[Named, int] | None:
    found = _CLICK.fullmatch(subject) if subject else None
    return (Named(int(found[1]), found[2]), int(found[3])) if found else None


def read_confirm(subject: str | None) -> tuple[Named, datetime | None] | None:
    """The subscriber a confirmation link names and when it was made (naive UTC; ``None``
    for a link made before confirmation links said so)."""
    found = _CONFIRM.fullmatch(subject) if subject else None
    if found is None:
        return None
    made_at = None
    if found[3] is not None:
        made_at = datetime.fromtimestamp(int(found[3]), UTC).replace(tzinfo=None)
    return Named(int(found[1]), found[2]), made_at


def confirm_link_expired(made_at: datetime, now: datetime) -> bool:
    """Whether a confirmation link made at ``made_at`` no longer confirms at ``now``."""
    return now - made_at > CONFIRM_LINKS_LAST
