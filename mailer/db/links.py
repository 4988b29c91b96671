"""Whom a link token names (``mailer.core.owners``): the row, if its owner still holds it.

A token with a nonce names a subscriber (or a delivery of a subscriber) whose ``link_nonce``
is that nonce; an erased person's nonce is gone with them, so their links name nobody, even
if their id came back. A token without a nonce was made before migration 0007; it is
honoured only for a row whose id is at most the highest id the table held when the migration
ran (``meta`` ``legacy_links.<table>``): those rows existed then, and no later row can take
their ids (AUTOINCREMENT, sequences), so mail already sent keeps working for people who are
still here, while an id erased before the upgrade and handed out again is not honoured.
None of these functions writes or locks.
"""

from __future__ import annotations

import sqlalchemy as sa

from mailer.core.owners import Named, Owner
from mailer.core.text import ascii_int
from mailer.db.schema import delivery, meta, subscriber

LEGACY_SUBSCRIBERS = "legacy_links.subscriber"
LEGACY_DELIVERIES = "legacy_links.delivery"


def _legacy_horizon(conn: sa.Connection, name: str) -> int:
    value = conn.execute(sa.select(meta.c.value).where(meta.c.name == name)).scalar()
    return (ascii_int(str(value)) or 0) if value is not None else 0


def subscriber_named(conn: sa.Connection, named: Named) -> Owner | None:
    """Reads the subscriber a token names, with their link nonce; ``None`` for nobody."""
    c = subscriber.c
    query = sa.select(c.id, c.link_nonce).where(c.id == named.id)
    if named.nonce is not None:
        query = query.where(c.link_nonce == named.nonce)
    elif named.id > _legacy_horizon(conn, LEGACY_SUBSCRIBERS):
        return None
    row = conn.execute(query).first()
    return None if row is None else Owner(int(row.id), str(row.link_nonce))


def delivery_named(conn: sa.Connection, named: Named) -> int | None:
    """Reads whether the delivery a token names is still its recipient's; its id, or ``None``."""
    query = sa.select(delivery.c.id).where(delivery.c.id == named.id)
    if named.nonce is not None:
        query = query.join(subscriber, subscriber.c.id == delivery.c.subscriber_id).where(
            subscriber.c.link_nonce == named.nonce
        )
    elif named.id > _legacy_horizon(conn, LEGACY_DELIVERIES):
        return None
    found = conn.execute(query).scalar()
    return None if found is None else int(found)
