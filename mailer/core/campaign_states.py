"""The life of a campaign: draft, approved, scheduled, sending ⇄ paused, then sent or cancelled."""

from __future__ import annotations

from typing import Final

from mailer.errors import Conflict

TRANSITIONS: Final[dict[str, dict[str, str]]] = {
    "approve": {"draft": "approved", "approved": "approved"},
    "schedule": {"approved": "scheduled", "scheduled": "scheduled"},
    "unschedule": {"scheduled": "approved"},
    "start": {"draft": "sending", "approved": "sending", "scheduled": "sending"},
    "pause": {"sending": "paused"},
    "resume": {"paused": "sending"},
    "cancel": {
        "draft": "cancelled",
        "approved": "cancelled",
        "scheduled": "cancelled",
        "sending": "cancelled",
        "paused": "cancelled",
    },
    "finish": {"sending": "sent"},
}
FINAL: Final = frozenset({"sent", "cancelled", "failed"})


def transition(slug: str, current: str, action: str) -> str:
    """The state after ``action``, or ``Conflict`` saying why it cannot happen now."""
    target = TRANSITIONS[action].get(current)
    if target is None:
        allowed = ", ".join(sorted(TRANSITIONS[action])) or "no state"
        raise Conflict(f"campaign {slug!r} is {current}; {action} works only when it is {allowed}")
    return target
