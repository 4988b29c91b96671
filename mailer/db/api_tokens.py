"""Queries on ``api_token``: REST API tokens, stored as the SHA-256 of the token. None commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from mailer.db.schema import api_token


@dataclass(frozen=True)
class StoredToken:
    id: int
    name: str
    token_hash: str
    scopes: str  # space-separated
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


_COLUMNS = (
    api_token.c.id,
    api_token.c.name,
    api_token.c.token_hash,
    api_token.c.scopes,
    api_token.c.created_at,
    api_token.c.last_used_at,
    api_token.c.revoked_at,
)


def _token(row: Any) -> StoredToken | None:
    return None if row is None else StoredToken(**row._mapping)


def find_by_hash(conn: sa.Connection, token_hash: str) -> StoredToken | None:
    """Reads the token with this hash (revoked or not) through its unique index; locks nothing."""
    query = sa.select(*_COLUMNS).where(api_token.c.token_hash == token_hash)
    return _token(conn.execute(query).first())


def find_by_id(conn: sa.Connection, token_id: int) -> StoredToken | None:
    """Reads one token by id; locks nothing."""
    return _token(conn.execute(sa.select(*_COLUMNS).where(api_token.c.id == token_id)).first())


def active_by_name(conn: sa.Connection, name: str) -> list[StoredToken]:
    """Reads the tokens of this name that are not revoked; locks nothing."""
    query = sa.select(*_COLUMNS).where(api_token.c.name == name, api_token.c.revoked_at.is_(None))
    return [StoredToken(**row._mapping) for row in conn.execute(query.order_by(api_token.c.id))]


def all_tokens(conn: sa.Connection) -> list[StoredToken]:
    """Reads every token, oldest first."""
    rows = conn.execute(sa.select(*_COLUMNS).order_by(api_token.c.id))
    return [StoredToken(**row._mapping) for row in rows]


def insert(conn: sa.Connection, *, name: str, token_hash: str, scopes: str, now: datetime) -> int:
    """Writes a new token; the unique hash makes a (practically impossible) duplicate fail."""
    statement = (
        sa.insert(api_token)
        .values(name=name, token_hash=token_hash, scopes=scopes, created_at=now)
        .returning(api_token.c.id)
    )
    return int(conn.execute(statement).scalar_one())


def revoke(conn: sa.Connection, token_id: int, *, now: datetime) -> bool:
    """Writes the revocation time of a token not yet revoked; True when it changed."""
    statement = (
        sa.update(api_token)
        .where(api_token.c.id == token_id, api_token.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(conn.execute(statement).rowcount) == 1


def record_use(conn: sa.Connection, token_id: int, *, now: datetime, every: timedelta) -> bool:
    """Writes ``last_used_at = now`` unless it was written less than ``every`` ago (so a busy
    client costs one write a minute, not one a request); True when it wrote."""
    statement = (
        sa.update(api_token)
        .where(
            api_token.c.id == token_id,
            sa.or_(api_token.c.last_used_at.is_(None), api_token.c.last_used_at <= now - every),
        )
        .values(last_used_at=now)
    )
    return int(conn.execute(statement).rowcount) == 1
