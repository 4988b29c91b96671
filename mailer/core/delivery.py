"""What an SMTP reply means for one delivery, and when to try again (DESIGN.md, "Sending").

| outcome                                         | action                                   |
|-------------------------------------------------|------------------------------------------|
| 250 after the final dot                         | sent                                     |
| 5xx 5.1.x, 5.2.1, 5.4.4 (or 550/551/553 bare)   | bounced (hard): suppress, never retried  |
| 5.7.x policy                                    | failed, reason kept, address kept        |
| 552, 5.2.2 mailbox full, 5.3.4 too big          | failed for this issue, a soft bounce     |
| 450/451/452/454, timeout, drop before DATA      | deferred, backoff with jitter            |
| 421, connection refused                         | deferred and the relay backs off         |
| drop or timeout during DATA                     | deferred (the one case of a duplicate)   |
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from mailer.core.waiting import BACKOFF, GIVE_UP_AFTER

_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")


class Action(StrEnum):
    SENT = "sent"
    BOUNCED = "bounced"  # hard bounce: the address is dead
    FAILED = "failed"  # permanent for this issue; the address is kept
    DEFERRED = "deferred"  # try again later
    RELAY_BACKOFF = "relay_backoff"  # try again later, and slow down this relay


@dataclass(frozen=True)
class Outcome:
    action: Action
    code: int | None
    status: str | None  # RFC 3463 enhanced status, e.g. "5.1.1"
    reason: str
    soft_bounce: bool = False


def enhanced_status(text: str) -> str | None:
    match = _ENHANCED.search(text)
    return ".".join(match.groups()) if match else None


def classify_reply(code: int, text: str) -> Outcome:
    """The action for a final reply ``code`` with its ``text`` (after RCPT, DATA or the dot)."""
    status = enhanced_status(text)
    reason = f"{code} {text}".strip()
    if 200 <= code < 300:
        return Outcome(Action.SENT, code, status, reason)
    if code == 421:
        return Outcome(Action.RELAY_BACKOFF, code, status, reason)
    if 400 <= code < 500:
        return Outcome(Action.DEFERRED, code, status, reason)
    if status is not None:
        klass, subject, detail = status.split(".")
        if subject == "7":
            return Outcome(Action.FAILED, code, status, f"policy: {reason}")
        if status in {"5.2.2", "5.3.4"} or (subject == "2" and detail == "2"):
            return Outcome(Action.FAILED, code, status, reason, soft_bounce=True)
        if subject == "1" or status in {"5.2.1", "5.4.4"}:
            return Outcome(Action.BOUNCED, code, status, reason)
        if klass == "4":
            return Outcome(Action.DEFERRED, code, status, reason)
    if code == 552:
        return Outcome(Action.FAILED, code, status, reason, soft_bounce=True)
    if code in {550, 551, 553}:
        return Outcome(Action.BOUNCED, code, status, reason)
    return Outcome(Action.FAILED, code, status, reason)


def connection_lost(*, in_data: bool, refused: bool = False) -> Outcome:
    """A timeout, a refused connection or a drop.

    Once DATA has begun a client cannot tell a drop before the final dot from one after it
    (the message is buffered, the loss shows when the reply is read), so such a delivery is
    deferred and marked as one the relay may have: the only source of duplicates.
    """
    if refused:
        return Outcome(Action.RELAY_BACKOFF, None, None, "connection refused")
    if in_data:
        return Outcome(
            Action.DEFERRED, None, None, "connection lost during DATA (the relay may have it)"
        )
    return Outcome(Action.DEFERRED, None, None, "connection lost before DATA")


def next_attempt(attempts: int, now: datetime, rng: random.Random) -> datetime:
    """When to try again after ``attempts`` tries: ``BACKOFF``'s steps with ±20% jitter."""
    base = BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]
    return now + timedelta(seconds=base * rng.uniform(0.8, 1.2))


def gives_up(first_attempt: datetime, now: datetime) -> bool:
    return now - first_attempt >= GIVE_UP_AFTER
