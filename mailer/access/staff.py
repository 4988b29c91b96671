"""Staff accounts: who may sign in to the staff UI, with argon2id password hashes.

A password is never stored, only its argon2id hash (argon2-cffi's ``PasswordHasher`` with an
RFC 9106 profile, ``web.password_profile``; ``password_hasher`` makes it); a hash made with
other parameters is replaced at the next successful sign-in. An unknown address costs a
verification like a known one, so the time taken does not tell which addresses have accounts.

Sessions end on the server: each account keeps a "valid after" time, and a session issued at
or before it is over. Signing out moves it to the session's own issue time, signing out
everywhere (and disabling the account) to now; it never moves back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mailer.core.issue_workflow import Actor, Role, check_role
from mailer.core.subscribers import email_key, normalise_email
from mailer.db import Database
from mailer.db import staff_users as queries
from mailer.db.staff_users import StaffUser
from mailer.errors import Conflict, InvalidValue, NotFound

MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # hashing is deliberately slow; a megabyte "password" should not be hashed

PROFILES = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    "rfc9106-high-memory": profiles.RFC_9106_HIGH_MEMORY,
    "cheapest-for-tests": profiles.CHEAPEST,
}


def password_hasher(profile: str) -> PasswordHasher:
    """The hasher of ``web.password_profile`` (a name of ``PROFILES``)."""
    return PasswordHasher.from_parameters(PROFILES[profile])


@dataclass(frozen=True)
class StaffAccount:
    id: int
    email: str
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None
    stamp: str  # changes when the password does: sessions made before a change stop working
    sessions_valid_after: datetime | None  # sessions issued at or before this are over
    role: Role = "editor"  # editor | approver | admin (mailer.core.issue_workflow)

    @property
    def actor(self) -> Actor:
        """Who acts in the issue use cases (``mailer.issues``)."""
        return Actor(self.email, self.role)


@dataclass(frozen=True)
class SignIn:
    outcome: Literal["ok", "wrong", "disabled"]
    account: StaffAccount | None = None


def _account(user: StaffUser) -> StaffAccount:
    stamp = hashlib.sha256(user.password_hash.encode()).hexdigest()[:12]
    return StaffAccount(
        id=user.id,
        email=user.email,
        disabled=user.disabled,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        stamp=stamp,
        sessions_valid_after=user.sessions_valid_after,
        role=check_role(user.role),
    )


def staff_address(email: str) -> str:
    """The stored form of a staff address: validated and case-folded (one account per person)."""
    return email_key(normalise_email(email))


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidValue("password", f"must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidValue("password", f"must be at most {MAX_PASSWORD} characters")
    return password


def add_user(
    database: Database,
    email: str,
    password: str,
    *,
    now: datetime,
    hasher: PasswordHasher,
    role: str = "editor",
) -> StaffAccount:
    """Create an account (an ``editor`` unless ``role`` says otherwise); an address already
    taken is a ``Conflict``."""
    address = staff_address(email)
    role = check_role(role)
    hashed = hasher.hash(check_password(password))
    with database.write() as conn:
        if queries.find_by_email(conn, address) is not None:
            raise Conflict(f"staff user {address!r} already exists")
        user_id = queries.insert(conn, email=address, password_hash=hashed, now=now, role=role)
        user = queries.find_by_id(conn, user_id)
    assert user is not None
    return _account(user)


def list_users(database: Database) -> list[StaffAccount]:
    with database.read() as conn:
        return [_account(user) for user in queries.all_users(conn)]


def set_disabled(database: Database, email: str, *, disabled: bool, now: datetime) -> StaffAccount:
    """Disable (or enable again) an account; a disabled one cannot sign in, and its sessions
    end for good (enabling it again revives none)."""
    address = staff_address(email)
    with database.write() as conn:
        user = queries.find_by_email(conn, address)
        if user is None:
            raise NotFound("staff user", address)
        queries.set_disabled(conn, user.id, disabled=disabled)
        if disabled:
            queries.end_sessions(conn, user.id, issued_up_to=now)
        changed = queries.find_by_id(conn, user.id)
    assert changed is not None
    return _account(changed)


def set_role(database: Database, email: str, role: str) -> StaffAccount:
    """Give an account another role (editor, approver or admin); its sessions go on."""
    address = staff_address(email)
    role = check_role(role)
    with database.write() as conn:
        user = queries.find_by_email(conn, address)
        if user is None:
            raise NotFound("staff user", address)
        queries.set_role(conn, user.id, role)
        changed = queries.find_by_id(conn, user.id)
    assert changed is not None
    return _account(changed)


def end_sessions(database: Database, user_id: int, *, issued_up_to: datetime) -> None:
    """End every session of the account issued at or before ``issued_up_to`` (signing out:
    the session's own issue time; signing out everywhere: now)."""
    with database.write() as conn:
        queries.end_sessions(conn, user_id, issued_up_to=issued_up_to)


def sign_out_everywhere(database: Database, email: str, *, now: datetime) -> StaffAccount:
    """End every session of the account with this address (``mailer users sign-out``)."""
    address = staff_address(email)
    with database.write() as conn:
        user = queries.find_by_email(conn, address)
        if user is None:
            raise NotFound("staff user", address)
        queries.end_sessions(conn, user.id, issued_up_to=now)
        changed = queries.find_by_id(conn, user.id)
    assert changed is not None
    return _account(changed)


def active_account(database: Database, user_id: int) -> StaffAccount | None:
    """The account of a session: None when it is gone or disabled."""
    with database.read() as conn:
        user = queries.find_by_id(conn, user_id)
    return None if user is None or user.disabled else _account(user)


@lru_cache(maxsize=4)
def _decoy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("a password nobody has: only its verification time matters")


def _verifies(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def sign_in(
    database: Database, email: str, password: str, *, now: datetime, hasher: PasswordHasher
) -> SignIn:
    """Check an address and password; on success record the time (and rehash if due)."""
    try:
        address = staff_address(email)
    except InvalidValue:
        address = ""
    with database.read() as conn:
        user = queries.find_by_email(conn, address) if address else None
    if user is None or len(password) > MAX_PASSWORD:
        _verifies(hasher, _decoy_hash(hasher), password[:MAX_PASSWORD])
        return SignIn("wrong")
    if not _verifies(hasher, user.password_hash, password):
        return SignIn("wrong")
    if user.disabled:
        return SignIn("disabled")
    with database.write() as conn:
        if hasher.check_needs_rehash(user.password_hash):
            queries.set_password_hash(conn, user.id, hasher.hash(password))
        queries.record_login(conn, user.id, now=now)
        signed_in = queries.find_by_id(conn, user.id)
    assert signed_in is not None
    return SignIn("ok", _account(signed_in))
