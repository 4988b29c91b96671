"""Postmark bounce and spam-complaint webhooks: one JSON object per request.

Postmark signs nothing; the webhook URL carries HTTP Basic credentials
(``https://user:password@host/...``), checked here in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from email import message_from_string
from email.message import Message
from email.policy import compat32
from typing import Any

from mailer.bounces.webhooks.events import (
    MAX_BODY_BYTES,
    WebhookEvent,
    as_object,
    check_size,
    diagnostic,
    header,
    iso_time,
    kind_for,
    load_json,
    message_id,
    recipient,
    status_of,
    text,
)
from mailer.bounces.webhooks.provider import Auth, Provider, Verifying
from mailer.config import WebhooksSettings
from mailer.core.bounces import Kind
from mailer.errors import ConfigError, WebhookAuthError

PROVIDER = "postmark"
_HARD = {"HardBounce", "BadEmailAddress"}
_SOFT = {"SoftBounce", "Transient", "DnsError", "Unknown", "VirusNotification"}
_POLICY = {
    "Blocked",
    "DMARCPolicy",
    "SpamNotification",
}  # our reputation or content, not the address
# AutoResponder, ChallengeVerification, Subscribe, Unsubscribe, AddressChange, OpenRelayTest,
# ManuallyDeactivated, Unconfirmed, SMTPApiError, InboundError … are not bounces: left out


def check_basic_auth(
    headers: Mapping[str, str], *, username: str | None, password: str | None
) -> None:
    """Refuse a request whose ``Authorization: Basic`` header is not ``username:password``."""
    if not username or not password:
        raise ConfigError(
            "the Postmark webhook user and password are not set",
            key="webhooks.postmark_username/webhooks.postmark_password",
        )
    value = header(headers, "Authorization") or ""
    scheme, _, encoded = value.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise WebhookAuthError(
            PROVIDER, "no Basic Authorization header (put user:password@ in the webhook URL)"
        )
    try:
        given = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as exc:
        raise WebhookAuthError(PROVIDER, "the Authorization header is not base64") from exc
    given_user, _, given_password = given.partition(b":")
    # both compared, always, so the time taken says nothing about which part was wrong
    user_ok = hmac.compare_digest(given_user, username.encode())
    password_ok = hmac.compare_digest(given_password, password.encode())
    if not (user_ok and password_ok):
        raise WebhookAuthError(PROVIDER, "wrong user or password in the Authorization header")


def parse_postmark(
    body: bytes,
    headers: Mapping[str, str],
    *,
    username: str | None,
    password: str | None,
    max_bytes: int = MAX_BODY_BYTES,
) -> list[WebhookEvent]:
    """Check the credentials and return the bounce or complaint in one Postmark POST (none for
    deliveries, opens, clicks, subscription changes and bounce types that are not bounces)."""
    check_size(PROVIDER, body, max_bytes)
    check_basic_auth(headers, username=username, password=password)
    record = as_object(PROVIDER, load_json(PROVIDER, body), "body")
    record_type, bounce_type = record.get("RecordType"), record.get("Type")
    if record_type == "SpamComplaint" or bounce_type == "SpamComplaint":
        kind, policy, status = Kind.COMPLAINT, False, None
    elif record_type != "Bounce":
        return []  # Delivery, Open, Click, SubscriptionChange
    else:
        status = status_of(record.get("Details"), record.get("Description"))
        if bounce_type in _HARD:
            kind, policy = kind_for(True, status)
        elif bounce_type in _SOFT:
            kind, policy = kind_for(False, status)
        elif bounce_type in _POLICY:
            kind, policy = Kind.HARD, True
        else:
            return []
    content = record.get("Content")
    return [
        WebhookEvent(
            PROVIDER,
            kind,
            recipient(PROVIDER, record.get("Email"), "Email"),
            status=status,
            diagnostic=diagnostic(record.get("Details") or record.get("Description")),
            message_id=_original_message_id(content) if isinstance(content, str) else None,
            occurred_at=iso_time(record.get("BouncedAt")),
            policy=policy,
            provider_event_id=text(record.get("ID")),
            provider_message_id=text(record.get("MessageID")),
        )
    ]


def _original_message_id(content: str) -> str | None:
    """Our Message-ID from the returned message in the bounce dump ("include content" on)."""
    report = message_from_string(content, policy=compat32)
    for part in report.walk():
        inner: Any = None
        if part.get_content_type() == "message/rfc822" and part.is_multipart():
            inner = part.get_payload(0)
        elif part.get_content_type() == "text/rfc822-headers":
            inner = message_from_string(str(part.get_payload()), policy=compat32)
        if isinstance(inner, Message) and inner.get("Message-ID"):
            return message_id(str(inner["Message-ID"]))
    return None


def _parse(
    body: bytes, headers: Mapping[str, str], settings: WebhooksSettings, verifying: Verifying
) -> list[WebhookEvent]:
    return parse_postmark(
        body,
        headers,
        username=settings.postmark_username,
        password=settings.postmark_password,
        max_bytes=settings.max_body_bytes,
    )


WEBHOOK = Provider(
    name=PROVIDER,
    settings=("postmark_username", "postmark_password"),
    setup="webhooks.postmark_username and webhooks.postmark_password",
    auth=Auth.BASIC,
    parse=_parse,
)
