"""A complete message file (.eml) for previews, built with the standard library."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


def build_eml(
    *,
    sender: str,
    to: str,
    subject: str,
    html: str,
    text: str,
    language: str,
    unsubscribe_url: str,
    domain: str,
    now: datetime,
) -> bytes:
    """multipart/alternative (text, then HTML) with the headers a reader's client shows."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now.replace(tzinfo=UTC))
    message["Message-ID"] = make_msgid(domain=domain)
    message["Content-Language"] = language
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def display_address(name: str, email: str) -> str:
    local, _, domain = email.rpartition("@")
    return str(Address(display_name=name, username=local, domain=domain))
