"""The normalised event every provider's webhook becomes, and what the parsers share."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any

from mailer.core.bounces import Kind
from mailer.core.delivery import enhanced_status
from mailer.errors import WebhookPayloadError, WebhookTooLarge

MAX_BODY_BYTES = 1_000_000
MAX_EVENTS = 1000
_DIAGNOSTIC_CHARS = 1000
_SOFT_STATUSES = frozenset({"5.2.2", "5.3.4"})  # mailbox full, message too big: address kept
# an address is at most 254 characters; a display name may come with it, a page of text may not
_RECIPIENT_CHARS = 1000


@dataclass(frozen=True)
class WebhookEvent:
    """One recipient's bounce, delay or complaint as a provider reported it.

    ``message_id`` is the Message-ID header of our message in angle brackets, as
    ``mailer.core.message.message_id`` makes it, when the provider says it.
    ``provider_event_id`` is the provider's id of the report (with ``recipient``, the key to
    drop a provider's retried request); ``provider_message_id`` its own id of the message.
    ``notification_id`` is the id of the request that carried the event (SNS ``MessageId``):
    a provider's retry carries it again and is ignored.
    """

    provider: str
    kind: Kind
    recipient: str
    status: str | None = None
    diagnostic: str | None = None
    message_id: str | None = None
    occurred_at: datetime | None = None
    policy: bool = False
    provider_event_id: str | None = None
    provider_message_id: str | None = None
    notification_id: str | None = None


def kind_for(permanent: bool, status: str | None) -> tuple[Kind, bool]:
    """(kind, policy) for a failure the provider calls permanent or not, with its status.

    5.7.x is a policy rejection whatever the provider calls it: a hard kind with the address
    kept, as ``mailer.core.bounces`` reports it. Mailbox full and too big are soft.
    """
    if status is not None and status.startswith("5.7."):
        return Kind.HARD, True
    if permanent and status not in _SOFT_STATUSES:
        return Kind.HARD, False
    return Kind.SOFT, False


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, looked up case-insensitively even in a plain dict."""
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return value


def check_size(provider: str, body: bytes, max_bytes: int) -> None:
    if len(body) > max_bytes:
        raise WebhookTooLarge(provider, f"body of {len(body)} bytes is over the {max_bytes} cap")


def check_count(provider: str, count: int, max_events: int) -> None:
    if count > max_events:
        raise WebhookTooLarge(provider, f"{count} events in one request, over the {max_events} cap")


def load_json(provider: str, body: bytes | str, what: str = "body") -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise WebhookPayloadError(provider, f"{what} is not valid JSON: {exc}") from exc


def as_object(provider: str, value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WebhookPayloadError(provider, f"{where} is not a JSON object")
    return value


def text(value: Any) -> str | None:
    """A string field, or None when it is absent, empty or not text."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def recipient(provider: str, value: Any, where: str) -> str:
    """The lower-cased address of ``value`` ("a@b" or "Name <a@b>").

    Over ``_RECIPIENT_CHARS`` it is refused unread: the stdlib parser is slow on long text
    and exhausts its recursion on thousands of nested comments.
    """
    if isinstance(value, str) and len(value) > _RECIPIENT_CHARS:
        message = f"{where}: recipient over {_RECIPIENT_CHARS} characters"
        raise WebhookPayloadError(provider, message)
    try:
        address = parseaddr(value)[1] if isinstance(value, str) else ""
    except (RecursionError, IndexError, ValueError):
        address = ""
    if "@" not in address:
        raise WebhookPayloadError(provider, f"{where}: no recipient address")
    return address.strip().lower()


def message_id(value: Any) -> str | None:
    """A Message-ID in angle brackets, however the provider spells it."""
    found = text(value)
    if found is None:
        return None
    return found if found.startswith("<") else f"<{found.strip('<>')}>"


def diagnostic(*parts: Any) -> str | None:
    """The provider's explanation, whitespace collapsed and capped."""
    joined = " ".join(" ".join(p.split()) for p in parts if isinstance(p, str) and p.strip())
    return joined[:_DIAGNOSTIC_CHARS] or None


def status_of(*candidates: Any) -> str | None:
    """The first RFC 3463 status found in ``candidates`` (a status field, then texts)."""
    for candidate in candidates:
        found = enhanced_status(candidate) if isinstance(candidate, str) else None
        if found is not None:
            return found
    return None


def iso_time(value: Any) -> datetime | None:
    """An ISO 8601 time as an aware datetime (UTC when no offset is given), else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def unix_time(value: Any) -> datetime | None:
    """Seconds since the epoch (int, float or their text) as an aware UTC datetime."""
    if isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
