"""One person as plain JSON-ready data: what ``show --json`` prints and a JSONL export holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mailer.core.times import iso_utc


def person_record(
    row: Mapping[str, Any], interests: list[str], subscriptions: list[dict[str, Any]]
) -> dict[str, Any]:
    """Every field we hold on a subscriber, with their interests and each subscription."""
    return {
        "id": row["id"],
        "email": row["email"],
        "name": row["name"],
        "country": row["country"],
        "language": row["language"],
        "status": row["status"],
        "interests": interests,
        "attributes": dict(row["attributes"] or {}),
        "bounce_score": row["bounce_score"],
        "created_at": iso_utc(row["created_at"]),
        "updated_at": iso_utc(row["updated_at"]),
        "consent": {
            "source": row["consent_source"],
            "at": iso_utc(row["consent_at"]),
            "ip": row["consent_ip"],
            "confirmed_at": iso_utc(row["confirmed_at"]),
        },
        "lists": [
            {
                "name": s["list"],
                "status": s["status"],
                "opted_in_at": iso_utc(s["opted_in_at"]),
                "subscribed_at": iso_utc(s["created_at"]),
            }
            for s in subscriptions
        ],
    }
