"""Webhook messages already recorded, so a provider's retry is acknowledged and ignored."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa

from mailer.db.dialect import insert_ignore
from mailer.db.schema import webhook_message

# a notification older than an hour is refused unread; its id is remembered a little longer
REMEMBER = timedelta(hours=2)
_ID_CHARS = 100


def first_time(conn: sa.Connection, provider: str, message_id: str, *, now: datetime) -> bool:
    """Remembers ``message_id``; False when it was seen already (within ``REMEMBER``).

    Writes one row and forgets rows older than ``REMEMBER`` (by their index). A concurrent
    request with the same id waits on the primary key until this transaction ends, then finds it.
    """
    conn.execute(sa.delete(webhook_message).where(webhook_message.c.received_at < now - REMEMBER))
    if len(message_id) > _ID_CHARS:
        message_id = hashlib.sha256(message_id.encode()).hexdigest()
    statement = insert_ignore(conn, webhook_message).values(
        provider=provider, message_id=message_id, received_at=now
    )
    # rowcount is -1 for this statement on psycopg: RETURNING says whether a row went in
    return conn.execute(statement.returning(webhook_message.c.provider)).first() is not None
