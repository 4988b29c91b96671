"""REST API tokens: created with scopes, shown once, stored only as their SHA-256, revoked.

A token is ``mlr_`` and 43 URL-safe characters (256 random bits). Only its SHA-256 (hex) is
stored, so a stolen database holds no usable token; a request's token is hashed and looked up
by that hash, so no stored secret is ever compared byte by byte (nothing to time). Its last use
is recorded at most once a minute.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from mailer.core.subscribers import check_text
from mailer.core.text import is_ascii_digits
from mailer.db import Database
from mailer.db import api_tokens as queries
from mailer.db.api_tokens import StoredToken
from mailer.errors import Conflict, InvalidValue, NotFound

PREFIX = "mlr_"
SCOPES: dict[str, str] = {
    "subscribers:read": "read subscribers, search them by segment",
    "subscribers:write": "create, change, erase and import subscribers",
    "lists:read": "read lists and their counts",
    "lists:write": "create lists",
    "campaigns:read": "read campaigns, their status and previews",
    "campaigns:write": "pause, resume and cancel campaigns",
    "issues:read": "read issues, their revisions and campaign.toml",
    "issues:write": "create issues and save revisions (never approve)",
    "approaches:read": "read the approaches library and each approach's revisions",
    "approaches:write": "create approaches and save revisions",
    "bounces:read": "read recorded bounces and complaints",
    "stats:read": "read subscriber, delivery and bounce counts",
}
USE_RECORDED_EVERY = timedelta(minutes=1)
MAX_NAME = 100
MAX_TOKEN = 200  # anything longer is not one of ours: refused before hashing


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the token itself: shown once, never stored


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _token(stored: StoredToken) -> ApiToken:
    return ApiToken(
        stored.id,
        stored.name,
        tuple(stored.scopes.split()),
        stored.created_at,
        stored.last_used_at,
        stored.revoked_at,
    )


def check_name(name: str) -> str:
    cleaned = check_text("name", name, max_length=MAX_NAME).strip()
    if not cleaned:
        raise InvalidValue("name", "is empty")
    if is_ascii_digits(cleaned):
        raise InvalidValue("name", "must not be only digits (a number names a token id)")
    if any(c.isspace() for c in cleaned):
        raise InvalidValue("name", f"{cleaned!r} has spaces; use e.g. crm-sync")
    return cleaned


def check_scopes(scopes: list[str]) -> tuple[str, ...]:
    if not scopes:
        raise InvalidValue("scope", f"give at least one of {', '.join(SCOPES)}")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise InvalidValue(
            "scope", f"unknown {', '.join(map(repr, unknown))}; known: {', '.join(SCOPES)}"
        )
    return tuple(sorted(set(scopes), key=list(SCOPES).index))


def add_token(database: Database, name: str, scopes: list[str], *, now: datetime) -> NewToken:
    """Create a token; a name taken by a token not revoked is a ``Conflict``."""
    cleaned, chosen = check_name(name), check_scopes(scopes)
    secret = PREFIX + secrets.token_urlsafe(32)
    with database.write() as conn:
        if queries.active_by_name(conn, cleaned):
            raise Conflict(f"an API token named {cleaned!r} exists; revoke it or pick another name")
        token_id = queries.insert(
            conn, name=cleaned, token_hash=token_hash(secret), scopes=" ".join(chosen), now=now
        )
        stored = queries.find_by_id(conn, token_id)
    assert stored is not None
    return NewToken(_token(stored), secret)


def list_tokens(database: Database) -> list[ApiToken]:
    with database.read() as conn:
        return [_token(stored) for stored in queries.all_tokens(conn)]


def revoke(database: Database, name_or_id: str, *, now: datetime) -> ApiToken:
    """Revoke the token with this id, or the (one) token not revoked with this name."""
    with database.write() as conn:
        if is_ascii_digits(name_or_id):
            found = queries.find_by_id(conn, int(name_or_id))
            if found is None:
                raise NotFound("API token", name_or_id)
            if found.revoked_at is not None:
                raise Conflict(f"API token {found.id} ({found.name}) is already revoked")
        else:
            named = queries.active_by_name(conn, name_or_id)
            if not named:
                raise NotFound("API token", name_or_id)
            found = named[0]
        queries.revoke(conn, found.id, now=now)
        revoked = queries.find_by_id(conn, found.id)
    assert revoked is not None
    return _token(revoked)


def authenticate(database: Database, secret: str, *, now: datetime) -> ApiToken | None:
    """The token ``secret`` is, when it exists and is not revoked; its use is recorded."""
    if not secret.startswith(PREFIX) or len(secret) > MAX_TOKEN:
        return None
    with database.read() as conn:
        stored = queries.find_by_hash(conn, token_hash(secret))
    if stored is None or stored.revoked_at is not None:
        return None
    last = stored.last_used_at
    if last is None or now - last >= USE_RECORDED_EVERY:
        with database.write() as conn:
            queries.record_use(conn, stored.id, now=now, every=USE_RECORDED_EVERY)
    return _token(stored)
