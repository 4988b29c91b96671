"""What every table module shares: the metadata (with its naming convention), the JSON type
and the helpers for CHECK constraints and link nonces."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def new_link_nonce() -> str:
    """A subscriber's link nonce: 8 URL-safe characters (48 random bits)."""
    return secrets.token_urlsafe(6)


SUBSCRIBER_STATUSES = (
    "unconfirmed",
    "active",
    "unsubscribed",
    "bounced",
    "complained",
    "blocklisted",
)
SUBSCRIPTION_STATUSES = ("unconfirmed", "active", "unsubscribed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
