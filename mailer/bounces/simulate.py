"""What a remote mail server sends back when it gives up: an RFC 3464 report, built here.

``make demo`` and the tests use it to play the part of a recipient's MTA against the
receiver, the way Postfix words its reports (see ``tests/data/bounces`` for real ones).
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from hashlib import sha256


def returned_headers(original: bytes) -> bytes:
    """The header block of ``original``, as a report quotes it (text/rfc822-headers)."""
    end = original.find(b"\r\n\r\n")
    if end < 0:
        end = original.find(b"\n\n")
    return (original if end < 0 else original[:end]).replace(b"\r\n", b"\n")


def delivery_report(
    original: bytes,
    *,
    return_path: str,
    recipient: str,
    status: str,
    diagnostic: str,
    date: datetime,
    action: str = "failed",
    reporting_mta: str = "mx.example.net",
) -> bytes:
    """A multipart/report DSN for ``original``, addressed to its Return-Path."""
    boundary = "=_report_" + sha256(f"{return_path}|{recipient}|{status}".encode()).hexdigest()[:16]
    text = (
        f"This is the mail system at host {reporting_mta}.\n\n"
        f"I'm sorry to have to inform you that your message could not\n"
        f"be delivered to one or more recipients.\n\n"
        f"<{recipient}>: {diagnostic}\n"
    )
    lines = [
        f"From: MAILER-DAEMON@{reporting_mta} (Mail Delivery System)",
        f"To: {return_path}",
        "Subject: Undelivered Mail Returned to Sender",
        f"Date: {format_datetime(date)}",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        text,
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        f"Reporting-MTA: dns; {reporting_mta}",
        "",
        f"Final-Recipient: rfc822; {recipient}",
        f"Original-Recipient: rfc822; {recipient}",
        f"Action: {action}",
        f"Status: {status}",
        f"Diagnostic-Code: smtp; {diagnostic}",
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
        returned_headers(original).decode("utf-8", errors="replace"),
        "",
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).replace("\r\n", "\n").replace("\n", "\r\n").encode()
