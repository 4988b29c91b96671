"""Timestamps: every one is stored as naive UTC and shown as ISO 8601 with a ``Z``."""

from __future__ import annotations

from datetime import datetime


def iso_utc(value: datetime | None) -> str | None:
    """``2026-11-28T09:00:00Z`` for a stored (naive UTC) timestamp; ``None`` stays ``None``."""
    return None if value is None else value.isoformat(timespec="seconds") + "Z"
