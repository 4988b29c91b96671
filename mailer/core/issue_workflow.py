"""Who may do what to an issue, and which state an issue is in.

Roles are ranked: an ``editor`` drafts and submits for review; an ``approver`` also approves,
sends back, schedules and sends; an ``admin`` also manages staff accounts and settings.

An issue's state is read from two records: the issue's own review state (``draft`` or
``in_review``) and its campaign (the sending record: approval of one text by its hash, the
schedule, the ledger's progress). Approved and scheduled hold only while the approved hash is
the current revision's: a save after approval makes the issue a draft again, with nothing to
undo. Once sending has started the campaign's state is the issue's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from mailer.errors import InvalidValue, NotAllowed

Role = Literal["editor", "approver", "admin"]
ROLES: Final[tuple[Role, ...]] = ("editor", "approver", "admin")
REVIEW_STATES: Final = ("draft", "in_review")
# the least role that may do each act
ACTS: Final[dict[str, Role]] = {
    "edit": "editor",
    "comment": "editor",
    "submit for review": "editor",
    "approve": "approver",
    "send back": "approver",
    "schedule": "approver",
    "send": "approver",
    "manage staff accounts": "admin",
}
APPROVED_STATES: Final = frozenset({"approved", "scheduled"})
STARTED_STATES: Final = frozenset({"sending", "paused", "sent", "cancelled", "failed"})
BY_FILE: Final = "campaign.toml"  # the author and approver of what a folder brought in


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff account's address and role."""

    email: str
    role: Role


def check_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise InvalidValue("role", f"{role!r} is not a role; roles: {', '.join(ROLES)}")


def may(role: str, act: str) -> bool:
    """Whether ``role`` may do ``act`` (a key of ``ACTS``)."""
    ranks = {name: rank for rank, name in enumerate(ROLES)}
    return role in ranks and ranks[role] >= ranks[ACTS[act]]


def require(actor: Actor, act: str) -> None:
    """``NotAllowed`` unless ``actor``'s role may do ``act``."""
    if not may(actor.role, act):
        need = ACTS[act]
        raise NotAllowed(act, actor.email, f"it takes the {need} role; theirs is {actor.role}")


def require_four_eyes(actor: Actor, author: str, revision: int, *, four_eyes: bool) -> None:
    """``NotAllowed`` when ``actor`` saved ``revision`` and four eyes are on."""
    if four_eyes and author.casefold() == actor.email.casefold():
        raise NotAllowed(
            "approve",
            actor.email,
            f"they saved revision {revision}; another approver must approve it "
            "(four eyes: web.four_eyes)",
        )


def issue_state(
    review: str,
    campaign_state: str | None,
    approved_hash: str | None,
    current_hash: str,
    file_approval: str | None = None,
) -> str:
    """The state staff see: draft, in_review, approved, scheduled, or the campaign's own once
    sending started (sending, paused, sent, cancelled, failed). ``file_approval`` is the hash
    a folder's ``approved = true`` approved."""
    if campaign_state in STARTED_STATES:
        return campaign_state
    if campaign_state in APPROVED_STATES and approved_hash == current_hash:
        return campaign_state
    if file_approval == current_hash:
        return "approved"
    return review


def approval_stands(
    campaign_state: str | None,
    approved_hash: str | None,
    file_approval: str | None,
    text_hash: str,
) -> bool:
    """Whether the text with ``text_hash`` is approved: by staff (the campaign's approval
    names it, approved or scheduled), or by its folder's ``approved = true``."""
    if campaign_state in APPROVED_STATES and approved_hash == text_hash:
        return True
    return file_approval == text_hash and campaign_state in {None, "draft", *APPROVED_STATES}
