"""The bytes of one message: headers (RFC 5322, 2047, 2369, 8058) and a multipart/alternative body.

Built by hand rather than with ``email.message.EmailMessage``, whose serialisation costs about
3.5 ms a message (research/performance-limits.md); the standard library still does the parts
that need care: RFC 2047 encoding (``email.header``), quoted-printable (``binascii``), dates.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime, parseaddr
from functools import lru_cache

_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029\x00]")
_ASCII_PRINTABLE = re.compile(r"[ -~]*")


class HeaderInjection(ValueError):
    """A header value carried a line break: it would have started a new header."""


@dataclass(frozen=True)
class Envelope:
    sender: str  # MAIL FROM: the VERP bounce address
    recipient: str  # RCPT TO


def _check(name: str, value: str) -> str:
    if _BREAK.search(value):
        raise HeaderInjection(f"{name} contains a line break")
    return value


@lru_cache(maxsize=1024)  # a variant's subject and the sender repeat for every recipient
def encode_text(name: str, value: str) -> str:
    """An unstructured header value, RFC 2047-encoded when it is not plain ASCII."""
    _check(name, value)
    if _ASCII_PRINTABLE.fullmatch(value) and len(value) < 900:
        return value
    return Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


@lru_cache(maxsize=1024)
def encode_address(name: str, value: str) -> str:
    """``Display Name <local@domain>`` with the display name RFC 2047-encoded when needed."""
    _check(name, value)
    display, address = parseaddr(value)
    if not address or "@" not in address:
        raise HeaderInjection(f"{name}: {value!r} is not an address")
    if not display:
        return address
    if _ASCII_PRINTABLE.fullmatch(display) and not re.search(r'[()<>\[\]:;@\\,."]', display):
        return f"{display} <{address}>"
    if _ASCII_PRINTABLE.fullmatch(display):
        quoted = display.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{address}>'
    return f"{Header(display, 'utf-8').encode()} <{address}>"


def quoted_printable(text: str) -> bytes:
    return binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True).replace(
        b"\n", b"\r\n"
    )


@dataclass(frozen=True)
class MessageHeaders:
    sender: str
    to: str
    subject: str
    message_id: str
    date: datetime
    list_unsubscribe_url: str
    list_unsubscribe_mailto: str
    list_id: str
    feedback_id: str
    language: str


def build_message(headers: MessageHeaders, *, text: str, html: str, boundary: str) -> bytes:
    """multipart/alternative (text, then HTML), both quoted-printable UTF-8, CRLF line ends."""
    lines = [
        f"From: {encode_address('From', headers.sender)}",
        f"To: {encode_address('To', headers.to)}",
        f"Subject: {encode_text('Subject', headers.subject)}",
        f"Date: {format_datetime(headers.date.replace(tzinfo=UTC))}",
        f"Message-ID: {_check('Message-ID', headers.message_id)}",
        "MIME-Version: 1.0",
        f"List-Unsubscribe: <{_check('List-Unsubscribe', headers.list_unsubscribe_url)}>, "
        f"<{_check('List-Unsubscribe', headers.list_unsubscribe_mailto)}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        f"List-Id: {_check('List-Id', headers.list_id)}",
        f"Feedback-ID: {_check('Feedback-ID', headers.feedback_id)}",
        f"Content-Language: {_check('Content-Language', headers.language)}",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
    ]
    head = "\r\n".join(lines).encode("ascii") + b"\r\n\r\n"
    part = (
        b"--%s\r\nContent-Type: text/%s; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    marker = boundary.encode("ascii")
    return b"".join(
        [
            head,
            part % (marker, b"plain"),
            quoted_printable(text),
            b"\r\n",
            part % (marker, b"html"),
            quoted_printable(html),
            b"\r\n--%s--\r\n" % marker,
        ]
    )


def message_id(delivery_id: int, campaign_id: int, domain: str) -> str:
    """Deterministic: every attempt of one delivery carries the same Message-ID."""
    return f"<d{delivery_id}.c{campaign_id}@{domain}>"
