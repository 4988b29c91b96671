"""The tables of the staff side: accounts, API tokens, saved segments and the record of what
staff changed on a subscriber."""

from __future__ import annotations

import sqlalchemy as sa

from mailer.db.tables_base import _in, metadata

STAFF_ROLES = ("editor", "approver", "admin")

# Staff who sign in to the web UI; passwords are argon2id hashes, never the password.
staff_user = sa.Table(
    "staff_user",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_login_at", sa.DateTime, nullable=True),
    # sessions issued at or before this time are over (sign-out, sign out everywhere, disable)
    sa.Column("sessions_valid_after", sa.DateTime, nullable=True),
    # editor < approver < admin (mailer.core.issue_workflow); accounts made before roles: admin
    sa.Column("role", sa.String(16), nullable=False, server_default="editor"),
    sa.CheckConstraint(_in("role", STAFF_ROLES), name="role"),
    # session cookies name the account by id
    sqlite_autoincrement=True,
)

# REST API tokens: only a SHA-256 of the token is stored; scopes are space-separated.
api_token = sa.Table(
    "api_token",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("scopes", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_used_at", sa.DateTime, nullable=True),
    sa.Column("revoked_at", sa.DateTime, nullable=True),
)

# Segments staff saved by name, used in issues as ``segment = "@name"`` (mailer.db.segments
# resolves them when an audience is counted or materialised).
saved_segment = sa.Table(
    "saved_segment",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(63), nullable=False, unique=True),
    sa.Column("expression", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("updated_by", sa.String(320), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

# What staff changed on a subscriber's record, by whom and when (the person page shows it).
# subscriber_id becomes NULL when the person is erased; the row then says only that and who.
subscriber_change = sa.Table(
    "subscriber_change",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "subscriber_id",
        sa.Integer,
        sa.ForeignKey("subscriber.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    sa.Column("actor", sa.String(320), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
