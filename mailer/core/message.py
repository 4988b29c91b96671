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

from mailer.core.tokens import message_id_tag
from mailer.errors import HeaderInjection

_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029\x00]")
_ASCII_PRINTABLE = re.compile(r"[ -~]*")
# Text that looks like an RFC 2047 encoded-word would be decoded by the reader's mail program
# ("=?UTF-8?Q?=0A?=" becomes a line break): such text is itself encoded, so it shows as typed.
_ENCODED_WORD_START = "=?"


@dataclass(frozen=True)
class Envelope:
    sender: str  # MAIL FROM: the VERP bounce address
    recipient: str  # RCPT TO


def check_header(name: str, value: str) -> str:
    if _BREAK.search(value):
        raise HeaderInjection(f"{name} contains a line break")
    return value


@lru_cache(maxsize=1024)  # a variant's subject and the sender repeat for every recipient
def encode_text(name: str, value: str) -> str:
    """An unstructured header value, RFC 2047-encoded when it is not plain ASCII."""
    check_header(name, value)
    if _ASCII_PRINTABLE.fullmatch(value) and len(value) < 900 and _ENCODED_WORD_START not in value:
        return value
    return Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


@lru_cache(maxsize=1024)
def encode_address(name: str, value: str) -> str:
    """``Display Name <local@domain>`` with the display name RFC 2047-encoded when needed."""
    check_header(name, value)
    display, address = parseaddr(value)
    if not address or "@" not in address:
        raise HeaderInjection(f"{name}: {value!r} is not an address")
    if not display:
        return address
    if _ENCODED_WORD_START in display:
        return f"{Header(display, 'utf-8').encode()} <{address}>"
    if _ASCII_PRINTABLE.fullmatch(display) and not re.search(r'[()<>\[\]:;@\\,."]', display):
        return f"{display} <{address}>"
    if _ASCII_PRINTABLE.fullmatch(display):
        quoted = display.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{address}>'
    return f"{Header(display, 'utf-8').encode()} <{address}>"


def quoted_name(name: str) -> str:
    """A display name as one quoted string, so ``Eve <x@evil.example>,`` stays a name."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


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


MAX_LINE = 998  # RFC 5321 4.5.3.1.6, without the CRLF


def crlf_bytes(text: str) -> bytes:
    """``text`` in UTF-8 with CRLF line ends."""
    return text.replace("\r\n", "\n").encode("utf-8").replace(b"\n", b"\r\n")


def eight_bit_body(text: str) -> bytes | None:
    """UTF-8 with CRLF line ends, or None when a line is too long to go unencoded."""
    data = crlf_bytes(text)
    if len(data) > MAX_LINE and max(map(len, data.split(b"\r\n"))) > MAX_LINE:
        return None
    return data


@dataclass(frozen=True, slots=True)
class EightBit:
    """A part's body ready to go unencoded: UTF-8, CRLF, no line over 998 bytes; ``wire`` is
    the same dot-stuffed (RFC 5321 4.5.2), as DATA carries it."""

    data: bytes
    wire: bytes
    # DKIM's relaxed canonical form of ``data`` + CRLF in pieces (core/relaxed.py), if known
    relaxed: list[bytes] | None = None


@dataclass(frozen=True, slots=True)
class EightBitMessage:
    data: bytes  # the message (RFC 5322)
    wire: bytes  # as DATA carries it: dot-stuffed, with the final dot
    head: bytes  # the header fields, each ending with CRLF
    relaxed: list[bytes] | None  # the body in DKIM's relaxed form, in pieces, if known


def _part_head(marker: bytes, subtype: bytes, encoding: bytes) -> bytes:
    return (
        b"--%s\r\nContent-Type: text/%s; charset=utf-8\r\nContent-Transfer-Encoding: %s\r\n\r\n"
        % (marker, subtype, encoding)
    )


def _part(marker: bytes, subtype: bytes, text: str, eight_bit: bool) -> bytes:
    body = eight_bit_body(text) if eight_bit else None
    encoding = b"8bit" if body is not None else b"quoted-printable"
    if body is None:
        body = quoted_printable(text)
    return _part_head(marker, subtype, encoding) + body + b"\r\n"


def build_message(
    headers: MessageHeaders, *, text: str, html: str, boundary: str, eight_bit: bool = False
) -> bytes:
    """multipart/alternative (text, then HTML) in UTF-8 with CRLF line ends.

    ``eight_bit`` (for a relay that offers 8BITMIME) sends the parts unencoded: quoted-printable
    costs about 0.2 ms a message and 7% more bytes. A part with a line over 998 bytes is still
    quoted-printable.
    """
    marker = boundary.encode("ascii")
    return b"".join(
        [
            _head(headers, boundary),
            _part(marker, b"plain", text, eight_bit),
            _part(marker, b"html", html, eight_bit),
            b"--%s--\r\n" % marker,
        ]
    )


def build_eight_bit_message(
    headers: MessageHeaders, *, text: EightBit, html: EightBit, boundary: str
) -> EightBitMessage:
    """``build_message`` of parts filled as 8-bit bodies already, and its DATA form: the same
    bytes dot-stuffed with the final dot (header lines never start with a dot)."""
    marker = boundary.encode("ascii")
    head = _head(headers, boundary)
    plain, rich = _part_head(marker, b"plain", b"8bit"), _part_head(marker, b"html", b"8bit")
    end = b"\r\n--%s--\r\n" % marker
    data = b"".join([head, plain, text.data, b"\r\n", rich, html.data, end])
    wire = b"".join([head, plain, text.wire, b"\r\n", rich, html.wire, end, b".\r\n"])
    relaxed = None
    if text.relaxed is not None and html.relaxed is not None:  # the part heads are canonical
        relaxed = [plain, *text.relaxed, rich, *html.relaxed, end[2:]]
    return EightBitMessage(data, wire, head[:-2], relaxed)


def _head(headers: MessageHeaders, boundary: str) -> bytes:
    lines = [
        f"From: {encode_address('From', headers.sender)}",
        f"To: {encode_address('To', headers.to)}",
        f"Subject: {encode_text('Subject', headers.subject)}",
        f"Date: {format_datetime(headers.date.replace(tzinfo=UTC))}",
        f"Message-ID: {check_header('Message-ID', headers.message_id)}",
        "MIME-Version: 1.0",
        f"List-Unsubscribe: <{check_header('List-Unsubscribe', headers.list_unsubscribe_url)}>, "
        f"<{check_header('List-Unsubscribe', headers.list_unsubscribe_mailto)}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        f"List-Id: {check_header('List-Id', headers.list_id)}",
        f"Feedback-ID: {check_header('Feedback-ID', headers.feedback_id)}",
        f"Content-Language: {check_header('Content-Language', headers.language)}",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
    ]
    return "\r\n".join(lines).encode("ascii") + b"\r\n\r\n"


def campaign_headers(
    *,
    sender: str,
    name: str,
    email: str,
    subject: str,
    message_id: str,
    date: datetime,
    unsubscribe_url: str,
    unsubscribe_mailto: str,
    list_name: str,
    slug: str,
    language: str,
    stream: str,
    domain: str,
) -> MessageHeaders:
    """The headers of one copy of an issue; List-Id and Feedback-ID spelt in one place.

    ``stream`` tells the copies apart in Feedback-ID: ``newsletter``, ``test``, ``preview``.
    """
    return MessageHeaders(
        sender=sender,
        to=f"{quoted_name(name)} <{email}>" if name else email,
        subject=subject,
        message_id=message_id,
        date=date,
        list_unsubscribe_url=unsubscribe_url,
        list_unsubscribe_mailto=unsubscribe_mailto,
        list_id=f"<{list_name}.{domain}>",
        feedback_id=f"{slug}:{language}:{stream}:{domain}",
        language=language,
    )


def message_id(key: str, delivery_id: int, domain: str) -> str:
    """``<d<delivery>.<tag>@domain>``: every attempt of one delivery carries the same one (a
    resend after a crash too), and nobody without ``key`` can make one: the tag is an HMAC of
    the delivery id, so a bounce quoting a guessed Message-ID attributes nothing."""
    return f"<d{delivery_id}.{message_id_tag(key, delivery_id)}@{domain}>"
