"""What the service does about a bounce or complaint: the decaying-score policy (Mailman-style).

- hard (5.1.x, 5.2.1, 5.4.4 …): the subscriber becomes ``bounced`` and the address is
  suppressed at once;
- 5.7.x (policy: spam filters, blocklists, DMARC): recorded with its reason, the address kept,
  since the mailbox exists and it is our reputation, not the address, that failed;
- soft: adds ``soft_score`` to the bounce score, at most once per UTC day; a score whose last
  soft bounce is older than ``forget_after`` is forgotten first; reaching ``threshold`` makes
  the subscriber ``bounced`` and suppresses the address;
- complaint: ``complained``, unsubscribed from every list, suppressed;
- delayed and auto-replies: recorded, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mailer.core.bounces import Kind

# statuses a bounce never overrides: the person already left or was blocked on purpose
_FINAL = {"complained", "blocklisted"}


@dataclass(frozen=True)
class BouncePolicy:
    soft_score: float = 0.5
    threshold: float = 5.0
    forget_after: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class Standing:
    """What the policy needs to know about a subscriber before the event."""

    status: str
    score: float
    last_soft_at: datetime | None


@dataclass(frozen=True)
class Decision:
    score: float
    last_soft_at: datetime | None
    status: str | None = None  # the new status, when it changes
    suppress: str | None = None  # suppression reason, when the address is suppressed
    unsubscribe_all: bool = False
    action: str = "recorded"  # what happened, in words staff read in ``bounces list``


def decide(
    policy: BouncePolicy, standing: Standing, kind: Kind, *, blocked: bool, now: datetime
) -> Decision:
    """The decision for one event; ``blocked`` marks a 5.7.x policy rejection."""
    score, last = standing.score, standing.last_soft_at
    if last is not None and now - last > policy.forget_after:
        score, last = 0.0, None
    keep = Decision(score, last)
    if kind == Kind.COMPLAINT:
        status = None if standing.status == "blocklisted" else "complained"
        return Decision(score, last, status, "complaint", True, "complained: unsubscribed")
    if kind == Kind.HARD and blocked:
        return Decision(score, last, action="policy rejection: address kept")
    if kind == Kind.HARD:
        return Decision(score, last, _bounced(standing), "hard_bounce", action="suppressed")
    if kind != Kind.SOFT:
        return keep
    if last is not None and last.date() == now.date():
        return Decision(score, last, action=f"score {score:g} (one soft bounce a day counts)")
    score = round(score + policy.soft_score, 6)
    if score >= policy.threshold:
        return Decision(
            score, now, _bounced(standing), "soft_bounce", action=f"score {score:g}: suppressed"
        )
    return Decision(score, now, action=f"score {score:g}")


def _bounced(standing: Standing) -> str | None:
    return None if standing.status in _FINAL | {"bounced"} else "bounced"
