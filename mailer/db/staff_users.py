"""Queries on ``staff_user``: the people who sign in to the staff UI. None of them commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.db.schema import staff_user


@dataclass(frozen=True)
class StaffUser:
    id: int
    email: str
    password_hash: str
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None
    sessions_valid_after: datetime | None
    role: str = "editor"  # editor | approver | admin


_COLUMNS = (
    staff_user.c.id,
    staff_user.c.email,
    staff_user.c.password_hash,
    staff_user.c.disabled,
    staff_user.c.created_at,
    staff_user.c.last_login_at,
    staff_user.c.sessions_valid_after,
    staff_user.c.role,
)


def _user(row: Any) -> StaffUser | None:
    return None if row is None else StaffUser(**row._mapping)


def find_by_email(conn: sa.Connection, email: str) -> StaffUser | None:
    """Reads one staff user by (normalised, lower-cased) address; locks nothing."""
    return _user(conn.execute(sa.select(*_COLUMNS).where(staff_user.c.email == email)).first())


def find_by_id(conn: sa.Connection, user_id: int) -> StaffUser | None:
    """Reads one staff user by id; locks nothing."""
    return _user(conn.execute(sa.select(*_COLUMNS).where(staff_user.c.id == user_id)).first())


def all_users(conn: sa.Connection) -> list[StaffUser]:
    """Reads every staff user, by address."""
    rows = conn.execute(sa.select(*_COLUMNS).order_by(staff_user.c.email))
    return [StaffUser(**row._mapping) for row in rows]


def insert(
    conn: sa.Connection, *, email: str, password_hash: str, now: datetime, role: str = "editor"
) -> int:
    """Writes a new staff user; the unique address makes a concurrent duplicate fail."""
    statement = (
        sa.insert(staff_user)
        .values(email=email, password_hash=password_hash, disabled=False, created_at=now, role=role)
        .returning(staff_user.c.id)
    )
    return int(conn.execute(statement).scalar_one())


def set_role(conn: sa.Connection, user_id: int, role: str) -> None:
    """Writes the user's role (editor | approver | admin)."""
    conn.execute(sa.update(staff_user).where(staff_user.c.id == user_id).values(role=role))


def set_disabled(conn: sa.Connection, user_id: int, *, disabled: bool) -> None:
    """Writes whether the user may sign in."""
    conn.execute(sa.update(staff_user).where(staff_user.c.id == user_id).values(disabled=disabled))


def set_password_hash(conn: sa.Connection, user_id: int, password_hash: str) -> None:
    """Writes a new password hash (a changed password, or a rehash with current parameters)."""
    statement = (
        sa.update(staff_user).where(staff_user.c.id == user_id).values(password_hash=password_hash)
    )
    conn.execute(statement)


def record_login(conn: sa.Connection, user_id: int, *, now: datetime) -> None:
    """Writes the time of a successful sign-in."""
    conn.execute(sa.update(staff_user).where(staff_user.c.id == user_id).values(last_login_at=now))


def end_sessions(conn: sa.Connection, user_id: int, *, issued_up_to: datetime) -> None:
    """Writes the user's ``sessions_valid_after``, never moving it back: every session issued
    at or before ``issued_up_to`` is over."""
    column = staff_user.c.sessions_valid_after
    statement = (
        sa.update(staff_user)
        .where(staff_user.c.id == user_id)
        .where(sa.or_(column.is_(None), column < issued_up_to))
        .values(sessions_valid_after=issued_up_to)
    )
    conn.execute(statement)
