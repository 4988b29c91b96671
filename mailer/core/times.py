"""Timestamps: every one is stored as naive UTC and shown as ISO 8601 with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def aware_utc(moment: datetime) -> datetime:
    """A stored (naive UTC) timestamp as an aware one in UTC; an aware one converted to UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def epoch_seconds(moment: datetime) -> int:
    """Whole seconds since 1970 of a naive-UTC (or aware) moment: DKIM's ``t=`` tag."""
    return int(aware_utc(moment).timestamp())


def iso_utc(value: datetime | None) -> str | None:
    """``2026-11-28T09:00:00Z`` for a stored (naive UTC) timestamp; ``None`` stays ``None``."""
    return None if value is None else value.isoformat(timespec="seconds") + "Z"
