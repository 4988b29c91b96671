"""SendGrid (Twilio) signed Event Webhook: a JSON array of events.

The signature header holds a base64 DER ECDSA P-256/SHA-256 signature of the timestamp header
followed by the raw body; the verification key is the base64 DER public key SendGrid shows
under Mail Settings. Requests whose timestamp is further than ``tolerance`` from ``now`` are
refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mailer.bounces.webhooks.events import (
    MAX_BODY_BYTES,
    MAX_EVENTS,
    WebhookEvent,
    as_object,
    check_count,
    check_size,
    diagnostic,
    header,
    kind_for,
    load_json,
    message_id,
    recipient,
    status_of,
    text,
    unix_time,
)
from mailer.bounces.webhooks.provider import Auth, Provider, Verifying
from mailer.config import WebhooksSettings
from mailer.core.bounces import Kind
from mailer.core.text import is_ascii_digits
from mailer.errors import ConfigError, WebhookAuthError, WebhookPayloadError

PROVIDER = "sendgrid"
SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
_SETTING = "webhooks.sendgrid_public_key"
# "dropped" means SendGrid did not even try: only these reasons say something about the address
_DROPPED = {
    "bounced address": Kind.HARD,
    "invalid": Kind.HARD,
    "invalid address": Kind.HARD,
    "spam reporting address": Kind.COMPLAINT,
}


def load_public_key(value: str | None) -> ec.EllipticCurvePublicKey:
    """The verification key from its base64 DER form (a PEM block is accepted too)."""
    if value is None or not value.strip():
        raise ConfigError("the SendGrid verification key is not set", key=_SETTING)
    try:
        if value.lstrip().startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(value.encode())
        else:
            key = serialization.load_der_public_key(base64.b64decode(value, validate=True))
    except (ValueError, binascii.Error, UnsupportedAlgorithm) as exc:
        raise ConfigError("not a base64 DER public key", key=_SETTING) from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ConfigError("not an ECDSA P-256 public key", key=_SETTING)
    return key


def parse_sendgrid(
    body: bytes,
    headers: Mapping[str, str],
    *,
    public_key: str | ec.EllipticCurvePublicKey | None,
    now: datetime,
    tolerance: timedelta = timedelta(minutes=5),
    max_bytes: int = MAX_BODY_BYTES,
    max_events: int = MAX_EVENTS,
) -> list[WebhookEvent]:
    """Verify one Event Webhook POST and return its bounce, block, drop, deferral and spam
    report events (deliveries, opens, clicks … are left out)."""
    check_size(PROVIDER, body, max_bytes)
    key = (
        public_key
        if isinstance(public_key, ec.EllipticCurvePublicKey)
        else load_public_key(public_key)
    )
    signature_text = header(headers, SIGNATURE_HEADER)
    timestamp = header(headers, TIMESTAMP_HEADER)
    if not signature_text or not timestamp:
        missing = TIMESTAMP_HEADER if signature_text else SIGNATURE_HEADER
        raise WebhookAuthError(PROVIDER, f"no {missing} header (is the signed webhook on?)")
    signed_at = unix_time(timestamp) if is_ascii_digits(timestamp.strip()) else None
    if signed_at is None:
        raise WebhookAuthError(PROVIDER, f"{TIMESTAMP_HEADER} {timestamp[:20]!r} is not a time")
    if abs(now - signed_at) > tolerance:
        raise WebhookAuthError(
            PROVIDER, f"timestamp {signed_at:%Y-%m-%d %H:%M:%S} is over {tolerance} from now"
        )
    try:
        signature = base64.b64decode(signature_text, validate=True)
        key.verify(signature, timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    except (binascii.Error, InvalidSignature) as exc:
        raise WebhookAuthError(PROVIDER, "the signature does not match the body") from exc
    events = load_json(PROVIDER, body)
    if not isinstance(events, list):
        raise WebhookPayloadError(PROVIDER, "body is not a JSON array of events")
    check_count(PROVIDER, len(events), max_events)
    found = (_event(as_object(PROVIDER, e, f"event {i + 1}"), i) for i, e in enumerate(events))
    return [event for event in found if event is not None]


def _event(event: dict[str, Any], index: int) -> WebhookEvent | None:
    name = event.get("event")
    status = status_of(event.get("status"), event.get("reason"), event.get("response"))
    explanation = diagnostic(event.get("reason") or event.get("response"))
    policy = False
    if name == "bounce":  # type "bounce" is a permanent failure, "blocked" a rejection
        kind, policy = kind_for(event.get("type", "bounce") == "bounce", status)
    elif name == "deferred":
        kind = Kind.DELAYED
    elif name == "spamreport":
        kind = Kind.COMPLAINT
    elif name == "dropped":
        reason = str(event.get("reason", "")).strip().lower()
        if reason not in _DROPPED:
            return None  # unsubscribed, message too big, bad SMTPAPI header …
        kind, explanation = _DROPPED[reason], diagnostic("dropped:", event.get("reason"))
    else:
        return None  # processed, delivered, open, click, unsubscribe …
    return WebhookEvent(
        PROVIDER,
        kind,
        recipient(PROVIDER, event.get("email"), f"event {index + 1}"),
        status=status,
        diagnostic=explanation,
        message_id=message_id(event.get("smtp-id")),
        occurred_at=unix_time(event.get("timestamp")),
        policy=policy,
        provider_event_id=text(event.get("sg_event_id")),
        provider_message_id=text(event.get("sg_message_id")),
    )


def _parse(
    body: bytes, headers: Mapping[str, str], settings: WebhooksSettings, verifying: Verifying
) -> list[WebhookEvent]:
    return parse_sendgrid(
        body,
        headers,
        public_key=settings.sendgrid_public_key,
        now=verifying.now,
        tolerance=timedelta(seconds=settings.tolerance_seconds),
        max_events=settings.max_events,
        max_bytes=settings.max_body_bytes,
    )


WEBHOOK = Provider(
    name=PROVIDER,
    settings=("sendgrid_public_key",),
    setup="webhooks.sendgrid_public_key",
    auth=Auth.SIGNATURE,
    parse=_parse,
)
