"""The suppression list (salted address hashes) and the installation's salt."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from mailer.db.dialect import among, insert_ignore
from mailer.db.schema import meta, suppression

SALT_NAME = "suppression_salt"


def salt(conn: sa.Connection) -> str:
    """The installation's random salt for address hashes, created on first use.

    It lives in the database rather than in ``secrets.key`` so rotating the key never
    forgets who was suppressed.
    """
    found = existing_salt(conn)
    if found is not None:
        return found
    conn.execute(insert_ignore(conn, meta).values(name=SALT_NAME, value=secrets.token_hex(32)))
    return str(conn.execute(sa.select(meta.c.value).where(meta.c.name == SALT_NAME)).scalar_one())


def existing_salt(conn: sa.Connection) -> str | None:
    """The salt if one was made already (read-only; nothing is suppressed before it exists)."""
    found = conn.execute(sa.select(meta.c.value).where(meta.c.name == SALT_NAME)).scalar()
    return None if found is None else str(found)


def suppressed_hashes(conn: sa.Connection, hashes: Iterable[str]) -> set[str]:
    """Reads which of ``hashes`` are on the suppression list; locks nothing."""
    wanted = list(hashes)
    if not wanted:
        return set()
    query = sa.select(suppression.c.email_hash).where(among(conn, suppression.c.email_hash, wanted))
    return set(conn.execute(query).scalars())


def suppress(conn: sa.Connection, email_hash: str, *, reason: str, now: datetime) -> None:
    """Adds one hash; a hash already there keeps its first reason."""
    conn.execute(
        insert_ignore(conn, suppression).values(
            email_hash=email_hash, reason=reason, created_at=now
        )
    )


def suppression_reason(conn: sa.Connection, email_hash: str) -> str | None:
    query = sa.select(suppression.c.reason).where(suppression.c.email_hash == email_hash)
    found = conn.execute(query).scalar()
    return None if found is None else str(found)


def lift(conn: sa.Connection, email_hash: str) -> str | None:
    """Deletes one hash from the suppression list; returns the reason it had (None: absent)."""
    reason = suppression_reason(conn, email_hash)
    if reason is not None:
        conn.execute(sa.delete(suppression).where(suppression.c.email_hash == email_hash))
    return reason
