"""What a returned message means: hard, soft or delayed bounce, complaint, auto-reply, or none.

RFC 3464 delivery-status reports are read first (per recipient: Action, Status, or the status
found in Diagnostic-Code); RFC 5965 feedback reports and Microsoft JMRP reports are complaints;
``Auto-Submitted`` replies are auto-replies. Other formats (Exim, qmail, Exchange …) go to
flufl.bounce for the addresses, guarded, since it raises on some single-part messages under
Python 3.11; the kind then comes from the status code in the text, not from flufl's guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.policy import compat32
from enum import StrEnum

from flufl.bounce import all_failures

from mailer.core.delivery import enhanced_status

VERP = re.compile(r"bounces\+([A-Za-z0-9._:-]+)@", re.IGNORECASE)
_ADDRESS = re.compile(r"<?([^<>\s;]+@[^<>\s;]+)>?")


class Kind(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    DELAYED = "delayed"
    COMPLAINT = "complaint"
    AUTO_REPLY = "auto_reply"
    NOT_BOUNCE = "not_bounce"


SEVERITY = {Kind.HARD: 3, Kind.SOFT: 2, Kind.DELAYED: 1}


@dataclass(frozen=True)
class BounceReport:
    kind: Kind
    recipients: tuple[str, ...] = ()
    status: str | None = None
    diagnostic: str | None = None
    token: str | None = None  # our VERP token, unchecked (the caller verifies its HMAC)
    policy: bool = False  # 5.7.x: a hard kind, but the address is kept


def kind_of_status(status: str | None, action: str = "failed") -> Kind:
    """Kind from an RFC 3463 status: 5.1.x, 5.2.1, 5.4.4 hard; 4.x.x and 5.2.2 soft."""
    if action == "delayed":
        return Kind.DELAYED
    if status is None:
        return Kind.HARD
    if status.startswith("4.") or status in {"5.2.2", "5.3.4"}:
        return Kind.SOFT
    return Kind.HARD


def _address(value: str | None) -> str | None:
    if not value:
        return None
    value = value.split(";", 1)[-1].strip()  # "rfc822; user@example.org"
    match = _ADDRESS.search(value)
    return match.group(1).strip().lower() if match else None


def _token(message: Message) -> str | None:
    for name in (
        "To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "Return-Path",
    ):  # fmt: skip
        for value in message.get_all(name) or []:
            match = VERP.search(str(value))
            if match:
                return match.group(1)
    return None


def _report_type(message: Message) -> str:
    if message.get_content_type() != "multipart/report":
        return ""
    return str(message.get_param("report-type") or "").lower()


def _parts(message: Message, content_type: str) -> list[Message]:
    return [part for part in message.walk() if part.get_content_type() == content_type]


def _delivery_status(message: Message) -> BounceReport | None:
    parts = _parts(message, "message/delivery-status")
    if not parts:
        return None
    blocks = parts[0].get_payload()
    if not isinstance(blocks, list):
        return None
    found: list[tuple[Kind, str, str | None, str | None]] = []
    for block in blocks[1:] if len(blocks) > 1 else blocks:
        if not isinstance(block, Message):
            continue
        action = str(block.get("Action", "")).strip().lower()
        if action in {"delivered", "relayed", "expanded"}:
            continue
        recipient = _address(block.get("Original-Recipient")) or _address(
            block.get("Final-Recipient")
        )
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split()) or None
        status = enhanced_status(str(block.get("Status", ""))) or enhanced_status(diagnostic or "")
        if recipient is None or not action:
            continue
        found.append((kind_of_status(status, action), recipient, status, diagnostic))
    if not found:
        return BounceReport(Kind.NOT_BOUNCE)
    worst = max(found, key=lambda item: SEVERITY[item[0]])
    policy = worst[2] is not None and worst[2].startswith("5.7.")
    recipients = tuple(dict.fromkeys(item[1] for item in found))
    return BounceReport(worst[0], recipients, worst[2], worst[3], _token(message), policy)


def _complaint(message: Message) -> BounceReport | None:
    jmrp = message.get("X-HmXmrOriginalRecipient")
    if _report_type(message) != "feedback-report" and not jmrp:
        return None
    recipients: list[str] = []
    if jmrp:
        recipients.append(_address(str(jmrp)) or "")
    for part in _parts(message, "message/feedback-report"):
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if isinstance(block, Message):
                recipients.append(_address(block.get("Original-Rcpt-To")) or "")
    for part in _parts(message, "message/rfc822") + _parts(message, "text/rfc822-headers"):
        if part.is_multipart():
            inner = part.get_payload(0)
        else:
            payload = part.get_payload(decode=True)
            inner = message_from_bytes(
                payload if isinstance(payload, bytes) else b"", policy=compat32
            )
        if isinstance(inner, Message):
            recipients.append(_address(inner.get("To")) or "")
            token = _token(inner) or _token(message)
            return BounceReport(Kind.COMPLAINT, tuple(dict.fromkeys(r for r in recipients if r)),
                                token=token)  # fmt: skip
    return BounceReport(Kind.COMPLAINT, tuple(dict.fromkeys(r for r in recipients if r)),
                        token=_token(message))  # fmt: skip


def _auto_reply(message: Message) -> bool:
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if submitted.startswith("auto-replied"):
        return True
    if str(message.get("X-Autoreply", "")).lower() == "yes" or message.get("X-Autorespond"):
        return True
    return str(message.get("Precedence", "")).strip().lower() == "auto_reply"


def _text(message: Message) -> str:
    chunks = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                chunks.append(payload.decode("utf-8", errors="replace"))
    return "\n".join(chunks)


def _fallback(message: Message) -> BounceReport:
    try:
        temporary, permanent = all_failures(message)
    except Exception:
        return BounceReport(Kind.NOT_BOUNCE)
    addresses = [a.decode(errors="replace").lower() for a in (*permanent, *temporary)]
    if not addresses:
        return BounceReport(Kind.NOT_BOUNCE)
    text = _text(message)
    status = enhanced_status(text)
    kind = kind_of_status(status) if permanent else Kind.DELAYED
    if status is None and permanent:
        kind = Kind.HARD
    diagnostic = None
    if status:
        line = next((line for line in text.splitlines() if status in line), "")
        diagnostic = " ".join(line.split())[:500] or None
    policy = status is not None and status.startswith("5.7.")
    return BounceReport(
        kind, tuple(dict.fromkeys(addresses)), status, diagnostic, _token(message), policy
    )


def classify(raw: bytes) -> BounceReport:
    """Classify one raw message (RFC 5322 bytes)."""
    message = message_from_bytes(raw, policy=compat32)
    if _report_type(message) == "delivery-status":
        report = _delivery_status(message)
        if report is not None:
            return report
    complaint = _complaint(message)
    if complaint is not None:
        return complaint
    # MTAs mark their own bounces Auto-Submitted too (Exim does): look for failures first
    report = _fallback(message)
    if report.kind == Kind.NOT_BOUNCE and _auto_reply(message):
        return BounceReport(Kind.AUTO_REPLY, token=_token(message))
    return report
