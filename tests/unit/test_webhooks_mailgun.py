"""Mailgun webhooks: HMAC-SHA256 of timestamp + token, stale timestamps and replays refused."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mailer.bounces.webhooks import (
    ReplayCache,
    WebhookAuthError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookTooLarge,
    parse_mailgun,
)
from mailer.core.bounces import Kind
from mailer.errors import ConfigError

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
KEY = "key-0123456789abcdef0123456789abcdef"
_tokens = iter(range(10**6))


def signature(key: str = KEY, at: datetime = NOW, token: str | None = None) -> dict[str, str]:
    token = token or f"{next(_tokens):050d}"
    timestamp = str(int(at.timestamp()))
    digest = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": digest}


def failed(severity: str = "permanent", reason: str = "bounce", **status: Any) -> dict[str, Any]:
    """Modelled on Mailgun's documented "failed" event."""
    return {
        "event": "failed",
        "id": "G9Bn5sl1TC6g7cvaWw",
        "timestamp": 1772445000.375624,
        "log-level": "error",
        "severity": severity,
        "reason": reason,
        "recipient": "Alice@Example.com",
        "recipient-domain": "example.com",
        "delivery-status": status
        or {
            "attempt-no": 1,
            "code": 550,
            "message": "5.1.1 The email account that you tried to reach does not exist.",
            "description": "",
            "session-seconds": 0.1,
        },
        "message": {
            "headers": {
                "to": "Alice <alice@example.com>",
                "message-id": "d41.c7@example.org",
                "from": "news@example.org",
                "subject": "March issue",
            },
            "size": 111,
        },
        "flags": {"is-routed": False, "is-authenticated": True, "is-test-mode": False},
    }


def post(
    data: dict[str, Any], guard: ReplayCache | None = None, **options: Any
) -> list[WebhookEvent]:
    signed = options.pop("signed", None) or signature()
    body = json.dumps({"signature": signed, "event-data": data}).encode()
    return parse_mailgun(
        body, {}, signing_key=KEY, now=NOW, replay_guard=guard or ReplayCache(), **options
    )


def test_a_permanent_failure_is_a_hard_bounce() -> None:
    assert post(failed()) == [
        WebhookEvent(
            provider="mailgun",
            kind=Kind.HARD,
            recipient="alice@example.com",
            status="5.1.1",
            diagnostic="550 5.1.1 The email account that you tried to reach does not exist.",
            message_id="<d41.c7@example.org>",
            occurred_at=datetime.fromtimestamp(1772445000.375624, UTC),
            provider_event_id="G9Bn5sl1TC6g7cvaWw",
        )
    ]


@pytest.mark.parametrize(
    ("data", "kind", "policy"),
    [
        (failed("temporary", "generic", code=451, message="4.7.1 Greylisted"), Kind.DELAYED, False),
        (failed("permanent", "bounce", code=552, message="5.2.2 Mailbox full"), Kind.SOFT, False),
        (failed("permanent", "old", code=421, message="4.4.1 timed out"), Kind.SOFT, False),
        (failed("permanent", "bounce", code=554, message="5.7.1 spam"), Kind.HARD, True),
        (
            failed(
                "permanent",
                "suppress-bounce",
                code=605,
                description="Not delivering to previously bounced address",
            ),
            Kind.HARD,
            False,
        ),
        (failed("permanent", "suppress-complaint", code=607), Kind.COMPLAINT, False),
        (
            {
                "event": "complained",
                "recipient": "alice@example.com",
                "timestamp": 1772445000,
                "message": {"headers": {"message-id": "d41.c7@example.org"}},
            },
            Kind.COMPLAINT,
            False,
        ),
    ],
)
def test_failures_and_complaints_map_to_kinds(data, kind, policy) -> None:
    [event] = post(data)

    assert (event.kind, event.policy, event.recipient) == (kind, policy, "alice@example.com")


@pytest.mark.parametrize(
    "data",
    [
        {"event": "delivered", "recipient": "alice@example.com"},
        {"event": "opened", "recipient": "alice@example.com"},
        failed("permanent", "suppress-unsubscribe", code=606),
    ],
)
def test_other_events_are_left_out(data) -> None:
    assert post(data) == []


def test_a_tampered_signature_or_token_is_refused() -> None:
    for change in (
        {"signature": "0" * 64},
        {"token": "f" * 50},
        {"timestamp": str(int(NOW.timestamp()) + 1)},
    ):
        with pytest.raises(WebhookAuthError, match="does not match") as caught:
            post(failed(), signed={**signature(), **change})
        assert KEY not in str(caught.value)


def test_a_signature_made_with_another_key_is_refused() -> None:
    with pytest.raises(WebhookAuthError, match="does not match"):
        post(failed(), signed=signature(key="key-of-someone-else"))


def test_a_subaccount_request_is_accepted_by_its_parent_signature() -> None:
    own = signature(key="key-of-the-subaccount")
    parent = signature(token=own["token"])["signature"]

    assert len(post(failed(), signed={**own, "parent-signature": parent})) == 1


@pytest.mark.parametrize("age", [timedelta(minutes=6), -timedelta(minutes=6)])
def test_stale_or_future_timestamps_are_refused(age) -> None:
    with pytest.raises(WebhookAuthError, match="from now"):
        post(failed(), signed=signature(at=NOW - age))
    assert post(failed(), signed=signature(at=NOW - age), tolerance=timedelta(minutes=7))


def test_a_replayed_request_is_refused() -> None:
    guard = ReplayCache()
    body = json.dumps({"signature": signature(), "event-data": failed()}).encode()

    assert parse_mailgun(body, {}, signing_key=KEY, now=NOW, replay_guard=guard)
    with pytest.raises(WebhookAuthError, match="replayed"):
        parse_mailgun(
            body, {}, signing_key=KEY, now=NOW + timedelta(seconds=30), replay_guard=guard
        )


def test_a_forged_request_does_not_use_up_a_token() -> None:
    guard = ReplayCache()
    genuine = signature()
    with pytest.raises(WebhookAuthError, match="does not match"):
        post(failed(), guard, signed={**genuine, "signature": "0" * 64})

    assert len(post(failed(), guard, signed=genuine)) == 1


def test_the_replay_cache_is_bounded_and_forgets_expired_tokens() -> None:
    cache = ReplayCache(max_entries=3)
    expires = NOW + timedelta(minutes=5)
    for token in "abcd":
        assert cache.first_use(token, expires=expires, now=NOW)
    assert len(cache) == 3
    assert not cache.first_use("d", expires=expires, now=NOW)
    assert cache.first_use("a", expires=expires, now=NOW)  # evicted as the oldest

    later = expires + timedelta(seconds=1)
    assert cache.first_use("e", expires=later + timedelta(minutes=5), now=later)
    assert len(cache) == 1


def test_missing_or_malformed_signatures_are_refused() -> None:
    for payload, message in [
        ({"event-data": failed()}, "no signature object"),
        (
            {"signature": {"timestamp": "1772445600"}, "event-data": failed()},
            "no timestamp or token",
        ),
        (
            {"signature": {**signature(), "timestamp": "soon"}, "event-data": failed()},
            "is not a time",
        ),
    ]:
        with pytest.raises(WebhookAuthError, match=message):
            parse_mailgun(
                json.dumps(payload).encode(),
                {},
                signing_key=KEY,
                now=NOW,
                replay_guard=ReplayCache(),
            )


def test_malformed_and_oversized_bodies_are_refused() -> None:
    for body, error, message in [
        (b"<xml/>", WebhookPayloadError, "not valid JSON"),
        (json.dumps({"signature": signature()}).encode(), WebhookPayloadError, "event-data"),
        (
            json.dumps(
                {"signature": signature(), "event-data": {**failed(), "recipient": None}}
            ).encode(),
            WebhookPayloadError,
            "no recipient",
        ),
        (b" " * 4097, WebhookTooLarge, "over the 4096 cap"),
    ]:
        with pytest.raises(error, match=message):
            parse_mailgun(
                body, {}, signing_key=KEY, now=NOW, replay_guard=ReplayCache(), max_bytes=4096
            )


def test_an_unset_signing_key_refuses_every_request() -> None:
    with pytest.raises(ConfigError, match="not set"):
        parse_mailgun(b"{}", {}, signing_key="", now=NOW, replay_guard=ReplayCache())
