"""Mailgun webhooks: ``{"signature": {timestamp, token, signature}, "event-data": {...}}``.

The signature is the hex HMAC-SHA256 of timestamp + token under the webhook signing key (for a
subaccount, ``parent-signature`` under the primary account's key is accepted too). A timestamp
further than ``tolerance`` from ``now`` is refused, and so is a token already seen.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from mailer.bounces.webhooks.events import (
    MAX_BODY_BYTES,
    WebhookEvent,
    as_object,
    check_size,
    diagnostic,
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
from mailer.errors import ConfigError, WebhookAuthError

PROVIDER = "mailgun"


class ReplayGuard(Protocol):
    def first_use(self, token: str, *, expires: datetime, now: datetime) -> bool:
        """Remember ``token`` until ``expires``; False when it was seen before."""
        ...


class ReplayCache:
    """In-process ``ReplayGuard`` holding at most ``max_entries`` tokens.

    A token needs keeping only while its timestamp is fresh, so expired ones are dropped
    first; when full of fresh tokens, the oldest goes (a bounded cache trades a replay of an
    evicted token within the window for bounded memory). One per process: several web
    processes each keep their own.
    """

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._expiry: OrderedDict[str, datetime] = OrderedDict()
        self._lock = threading.Lock()

    def first_use(self, token: str, *, expires: datetime, now: datetime) -> bool:
        with self._lock:
            while self._expiry and next(iter(self._expiry.values())) <= now:
                self._expiry.popitem(last=False)
            seen = self._expiry.get(token)
            if seen is not None and seen > now:
                return False
            self._expiry[token] = expires
            self._expiry.move_to_end(token)
            while len(self._expiry) > self.max_entries:
                self._expiry.popitem(last=False)
            return True

    def __len__(self) -> int:
        return len(self._expiry)


def parse_mailgun(
    body: bytes,
    headers: Mapping[str, str],
    *,
    signing_key: str | None,
    now: datetime,
    replay_guard: ReplayGuard,
    tolerance: timedelta = timedelta(minutes=5),
    max_bytes: int = MAX_BODY_BYTES,
) -> list[WebhookEvent]:
    """Verify one Mailgun webhook POST and return its failure or complaint (none for
    delivered, opened, clicked, unsubscribed … events). ``headers`` are not needed: the
    signature is in the body."""
    if not signing_key:
        raise ConfigError(
            "the Mailgun webhook signing key is not set", key="webhooks.mailgun_signing_key"
        )
    check_size(PROVIDER, body, max_bytes)
    payload = as_object(PROVIDER, load_json(PROVIDER, body), "body")
    signed = payload.get("signature")
    if not isinstance(signed, dict):
        raise WebhookAuthError(PROVIDER, "no signature object in the body")
    timestamp, token = signed.get("timestamp"), signed.get("token")
    if not isinstance(token, str) or not token or not isinstance(timestamp, str | int):
        raise WebhookAuthError(PROVIDER, "the signature has no timestamp or token")
    signed_at = unix_time(timestamp) if is_ascii_digits(str(timestamp)) else None
    if signed_at is None:
        raise WebhookAuthError(
            PROVIDER, f"signature timestamp {str(timestamp)[:20]!r} is not a time"
        )
    if abs(now - signed_at) > tolerance:
        raise WebhookAuthError(
            PROVIDER, f"timestamp {signed_at:%Y-%m-%d %H:%M:%S} is over {tolerance} from now"
        )
    expected = hmac.new(
        signing_key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    # each compared, always: the time taken says nothing about which one nearly matched
    matches = [
        hmac.compare_digest(expected.encode(), str(signed.get(name, "")).lower().encode())
        for name in ("signature", "parent-signature")
    ]
    if not any(matches):
        raise WebhookAuthError(PROVIDER, "the signature does not match timestamp and token")
    if not replay_guard.first_use(token, expires=signed_at + tolerance, now=now):
        raise WebhookAuthError(PROVIDER, "this token was already used: a replayed request")
    event = _event(as_object(PROVIDER, payload.get("event-data"), "event-data"))
    return [] if event is None else [event]


def _event(data: dict[str, Any]) -> WebhookEvent | None:
    name, severity, reason = data.get("event"), data.get("severity"), data.get("reason")
    status_report = data.get("delivery-status")
    status_report = status_report if isinstance(status_report, dict) else {}
    status = status_of(
        status_report.get("enhanced-code"),
        status_report.get("message"),
        status_report.get("description"),
    )
    explanation = diagnostic(
        str(status_report.get("code", "")),
        status_report.get("message"),
        status_report.get("description"),
    )
    policy = False
    if name == "complained":
        kind, status, explanation = Kind.COMPLAINT, None, None
    elif name == "failed" and reason == "suppress-complaint":
        kind = Kind.COMPLAINT  # not sent: the address complained before
    elif name == "failed" and reason == "suppress-unsubscribe":
        return None  # not sent: unsubscribed at Mailgun; not a bounce
    elif name == "failed" and severity == "temporary":
        kind = Kind.DELAYED  # Mailgun tries again
    elif name == "failed" and severity == "permanent":
        # "old": retried until Mailgun gave up on temporary failures, a soft bounce
        kind, policy = kind_for(reason != "old", status)
    else:
        return None  # accepted, delivered, opened, clicked, unsubscribed, stored …
    message = data.get("message")
    headers = message.get("headers") if isinstance(message, dict) else None
    return WebhookEvent(
        PROVIDER,
        kind,
        recipient(PROVIDER, data.get("recipient"), "event-data"),
        status=status,
        diagnostic=explanation,
        message_id=message_id(headers.get("message-id")) if isinstance(headers, dict) else None,
        occurred_at=unix_time(data.get("timestamp")),
        policy=policy,
        provider_event_id=text(data.get("id")),
    )


def _parse(
    body: bytes, headers: Mapping[str, str], settings: WebhooksSettings, verifying: Verifying
) -> list[WebhookEvent]:
    return parse_mailgun(
        body,
        headers,
        signing_key=settings.mailgun_signing_key,
        now=verifying.now,
        replay_guard=verifying.replay_guard,
        tolerance=timedelta(seconds=settings.tolerance_seconds),
        max_bytes=settings.max_body_bytes,
    )


WEBHOOK = Provider(
    name=PROVIDER,
    settings=("mailgun_signing_key",),
    setup="webhooks.mailgun_signing_key",
    auth=Auth.SIGNATURE,
    parse=_parse,
)
