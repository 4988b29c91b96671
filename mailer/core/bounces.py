"""What a returned message means: hard, soft or delayed bounce, complaint, auto-reply, or none.

RFC 3464 delivery-status parts are read first, wherever they sit (a multipart/report, a
multipart/mixed, a forwarded DSN): per recipient, Action, Original- before Final-Recipient, and
Status, or the Diagnostic-Code's status when Status is missing or generic (Exim always says
5.0.0). RFC 5965 feedback reports and Microsoft JMRP reports are complaints. Other formats
(Exim, qmail, Exchange, Yahoo …) go to flufl.bounce for the addresses, guarded, since it raises
on some single-part messages under Python 3.11, then to our own reading of the notice text;
the kind comes from the status codes in the text (the most severe wins), not from flufl's guess.
A generic or missing status with a cue in the text (quota, size, retries exhausted) is soft;
warning wording makes it delayed. Auto-Submitted / "Automatic reply" messages are auto-replies.
The text heuristics live in :mod:`mailer.core.bounce_formats`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.policy import compat32
from enum import StrEnum

from flufl.bounce import all_failures

from mailer.core import bounce_formats as formats

VERP = re.compile(r"bounces\+([A-Za-z0-9._:-]{1,200})@", re.IGNORECASE)
# linear: an address starts only where a run of address characters starts, and is bounded
_ADDRESS = re.compile(r"(?<![^<>\s;])([^<>\s;]{1,64}@[^<>\s;]{1,255})")
_FIELD_CHARS = 1000  # a recipient field longer than this names no usable address


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
    """Kind from an RFC 3463 status: 5.1.x, 5.2.1, 5.4.4 hard; 4.x.x, 5.2.2 (full), 5.2.3 and
    5.3.4 (too big) soft; other 5.x.x hard."""
    if action == "delayed":
        return Kind.DELAYED
    if status is None:
        return Kind.HARD
    if status.startswith("4.") or status in {"5.2.2", "5.2.3", "5.3.4"}:
        return Kind.SOFT
    return Kind.HARD


def _address(field: object) -> str | None:
    if not field:
        return None
    # str(): a field holding non-ASCII bytes comes as an email.header.Header (bytes as U+FFFD)
    value = str(field)[:_FIELD_CHARS].split(";", 1)[-1].strip()  # "rfc822; user@example.org"
    match = _ADDRESS.search(value)
    return match.group(1).strip().lower() if match else None


def _token(message: Message) -> str | None:
    for name in (
        "To",
        "Delivered-To",
        "X-Original-To",
        "Envelope-To",
        "X-Envelope-To",
        "Return-Path",
    ):
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


_FAILED = {"failed", "failure", "error", "undeliverable"}
_DONE = {"delivered", "relayed", "expanded"}
_Found = tuple[Kind, str, str | None, str | None]


def _block(block: Message, context: str) -> _Found | str | None:
    """One per-recipient block: (kind, recipient, status, diagnostic), "done", or None."""
    words = str(block.get("Action", "")).strip().lower().split()
    action = words[0] if words else ""
    if action in _DONE:
        return "done"
    recipient = _address(block.get("Original-Recipient")) or _address(block.get("Final-Recipient"))
    diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split()) or None
    field = " ".join(str(block.get("Status", "")).split())
    status = formats.status_in(field)
    detail = formats.status_in(diagnostic or "")
    if detail and formats.generic(status):  # Exim says 5.0.0 and puts the code in the diagnostic
        status = detail
    if recipient is None or not (action or status):
        return None
    if action == "delayed":
        return Kind.DELAYED, recipient, status, diagnostic
    if action not in _FAILED and status is not None and status.startswith("2."):
        return "done"
    kind = kind_of_status(status)
    cue = formats.soft_cue(f"{field} {diagnostic or ''} {context}")
    if kind == Kind.HARD and formats.generic(status) and cue:
        kind = Kind.SOFT
    return kind, recipient, status, diagnostic


def _delivery_status(message: Message) -> BounceReport | None:
    blocks: list[Message] = []
    for part in _parts(message, "message/delivery-status"):
        payload = part.get_payload()
        if isinstance(payload, list):
            blocks += [block for block in payload if isinstance(block, Message)]
    with_recipient = [b for b in blocks if b.get("Final-Recipient") or b.get("Original-Recipient")]
    if not with_recipient:
        return None
    # the human text tells why when a DSN for one recipient gives only a generic status
    context = formats.notice(message) if len(with_recipient) == 1 else ""
    found: list[_Found] = []
    done = False
    for block in with_recipient:
        item = _block(block, context)
        if item == "done":
            done = True
        elif isinstance(item, tuple):
            found.append(item)
    if not found:
        return BounceReport(Kind.NOT_BOUNCE) if done else None
    worst = max(found, key=lambda item: SEVERITY[item[0]])
    policy = worst[2] is not None and worst[2].startswith("5.7.")
    recipients = tuple(dict.fromkeys(item[1] for item in found))
    return BounceReport(worst[0], recipients, worst[2], worst[3], _token(message), policy)


def _original(message: Message) -> Message | None:
    """The returned or reported message (or its headers), if the report attaches it."""
    for part in _parts(message, "message/rfc822") + _parts(message, "text/rfc822-headers"):
        if part.is_multipart():
            inner = part.get_payload(0)
            return inner if isinstance(inner, Message) else None
        payload = part.get_payload(decode=True)
        return message_from_bytes(payload if isinstance(payload, bytes) else b"", policy=compat32)
    return None


def _complaint(message: Message) -> BounceReport | None:
    original = _original(message)
    # Microsoft JMRP: not RFC 5965; the header is on the report or on the attached original
    jmrp = message.get("X-HmXmrOriginalRecipient") or (
        original.get("X-HmXmrOriginalRecipient") if original is not None else None
    )
    if _report_type(message) != "feedback-report" and not jmrp:
        return None
    recipients = [_address(str(jmrp))] if jmrp else []
    for part in _parts(message, "message/feedback-report"):
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if isinstance(block, Message):
                recipients.append(_address(block.get("Original-Rcpt-To")))
    token = _token(message)
    if original is not None:
        recipients.append(_address(original.get("To")))
        token = _token(original) or token
    found = tuple(dict.fromkeys(r for r in recipients if r))
    return BounceReport(Kind.COMPLAINT, found, token=token)


def _auto_reply(message: Message) -> bool:
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if submitted.startswith("auto-replied"):
        return True
    if str(message.get("X-Autoreply", "")).lower() == "yes" or message.get("X-Autorespond"):
        return True
    if formats.auto_reply_subject(str(message.get("Subject", ""))):
        return True
    return str(message.get("Precedence", "")).strip().lower() == "auto_reply"


def _failure_kind(status: str | None, text: str) -> Kind:
    if status is not None and status.startswith("4."):
        return Kind.SOFT  # the server gave up retrying
    kind = kind_of_status(status)
    if kind == Kind.HARD and formats.generic(status) and formats.soft_cue(text):
        return Kind.SOFT
    return kind


# flufl.bounce matches every body line against dozens of patterns and parses whole address
# headers: it reads a bounded copy (a crafted 200 KB message took seconds otherwise)
FLUFL_HEAD_LINES = 500
FLUFL_BODY_BYTES = 64 * 1024
FLUFL_BODY_LINES = 2000


def _bounded(raw: bytes) -> Message:
    """``raw`` as flufl.bounce reads it: header lines cut at ``formats.HEADER_CHARS``, the
    body at ``FLUFL_BODY_BYTES`` and ``FLUFL_BODY_LINES`` (real notices come first and are short).
    """
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end < 0 else end
    head, body = (raw, b"") if end < 0 else (raw[:end], raw[end:])
    head_lines = head.splitlines()[:FLUFL_HEAD_LINES]
    head = b"\r\n".join(line[: formats.HEADER_CHARS] for line in head_lines)
    body = b"\n".join(body[:FLUFL_BODY_BYTES].split(b"\n")[:FLUFL_BODY_LINES])
    return message_from_bytes(head + body, policy=compat32)


def _fallback(message: Message, raw: bytes) -> BounceReport:
    try:
        temporary, permanent = all_failures(_bounded(raw))
    except Exception:  # flufl.bounce raises on some single-part messages under Python 3.11
        temporary, permanent = frozenset(), frozenset()
    text = formats.notice(message)
    found = [a.decode(errors="replace").lower() for a in (*permanent, *temporary)]
    if not found and _auto_reply(message) and not formats.from_mail_system(message):
        return BounceReport(Kind.AUTO_REPLY, token=_token(message))
    addresses = list(dict.fromkeys(found)) or formats.addresses_in(message, text)
    if not addresses:
        return BounceReport(Kind.NOT_BOUNCE)
    # a bounce for several recipients may give several codes: the most severe one wins
    statuses = formats.statuses_in(text) or [None]
    kind, status = max(
        ((_failure_kind(s, text), s) for s in statuses), key=lambda item: SEVERITY[item[0]]
    )
    if (temporary and not permanent) or formats.delay_cue(text):
        kind = Kind.DELAYED
    diagnostic = None
    if status:
        line = next((line for line in text.splitlines() if status in line), "")
        diagnostic = " ".join(line.split())[:500] or None
    policy = kind == Kind.HARD and status is not None and status.startswith("5.7.")
    return BounceReport(kind, tuple(addresses), status, diagnostic, _token(message), policy)


def classify(raw: bytes) -> BounceReport:
    """Classify one raw message (RFC 5322 bytes)."""
    message = message_from_bytes(raw, policy=compat32)
    report = _delivery_status(message)
    if report is not None:
        return report
    complaint = _complaint(message)
    if complaint is not None:
        return complaint
    # MTAs mark their own bounces Auto-Submitted too (Exim does): look for failures first
    report = _fallback(message, raw)
    if report.kind == Kind.NOT_BOUNCE and _auto_reply(message):
        return BounceReport(Kind.AUTO_REPLY, token=_token(message))
    return report
