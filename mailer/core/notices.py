"""A short plain-text mail to staff (a missed occurrence, a failed issue): the bytes to send."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from email.utils import format_datetime

from mailer.core.message import check_header, encode_address, encode_text


def build_notice(
    *, sender: str, to: str, subject: str, text: str, date: datetime, message_id: str
) -> bytes:
    """text/plain UTF-8 (base64, so any language and line length is safe), CRLF line ends.

    ``Auto-Submitted: auto-generated`` keeps vacation responders from answering it.
    """
    body = base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")
    lines = [
        f"From: {encode_address('From', sender)}",
        f"To: {encode_address('To', to)}",
        f"Subject: {encode_text('Subject', subject)}",
        f"Date: {format_datetime(date.replace(tzinfo=UTC))}",
        f"Message-ID: {check_header('Message-ID', message_id)}",
        "Auto-Submitted: auto-generated",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
    ]
    return "\r\n".join(lines).encode("ascii") + b"\r\n\r\n" + body


def missed_notice(name: str, period: str, state: str, detail: str, what: str) -> tuple[str, str]:
    """Subject and text telling staff that ``what`` (an occurrence, a one-off send) was
    ``state`` (skipped, missed, failed) and why."""
    subject = f"[mailer] {name} {period}: {state}"
    text = (
        f"{what[:1].upper()}{what[1:]} was {state}:"
        f"\n\n  {detail}\n\nNothing was sent for it. `mailer schedule list` shows "
        "every series and one-off send and its last outcome.\n"
    )
    return subject, text
