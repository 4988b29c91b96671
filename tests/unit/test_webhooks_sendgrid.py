"""SendGrid signed Event Webhook: real ECDSA P-256 signatures over timestamp + raw body."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mailer.bounces.webhooks import (
    WebhookAuthError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookTooLarge,
    load_public_key,
    parse_sendgrid,
)
from mailer.core.bounces import Kind
from mailer.errors import ConfigError

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp"


@pytest.fixture(scope="module")
def private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def public_key(private_key: ec.EllipticCurvePrivateKey) -> str:
    """As SendGrid shows it under Mail Settings: base64 of the DER SubjectPublicKeyInfo."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def signed(body: bytes, key: ec.EllipticCurvePrivateKey, at: datetime = NOW) -> dict[str, str]:
    timestamp = str(int(at.timestamp()))
    signature = key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {SIGNATURE: base64.b64encode(signature).decode(), TIMESTAMP: timestamp}


def event(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "email": "Jane@Example.com",
        "timestamp": 1772445000,
        "smtp-id": "<d41.c7@example.org>",
        "event": name,
        "category": ["newsletter"],
        "sg_event_id": f"sg-{name}-event",
        "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
        **fields,
    }


EVENTS = [
    event("processed"),
    event("delivered", response="250 OK"),
    event("open", useragent="Mozilla/5.0", ip="255.255.255.255"),
    event(
        "bounce", reason="550 5.1.1 The email account does not exist", status="5.1.1", type="bounce"
    ),
    event(
        "bounce",
        reason="554 5.7.1 Service unavailable; blocked using Spamhaus",
        status="5.7.1",
        type="blocked",
    ),
    event("bounce", reason="452 4.2.2 Mailbox over quota", status="4.2.2", type="blocked"),
    event("deferred", response="400 try again later", attempt="5"),
    event("dropped", reason="Bounced Address", status="5.0.0"),
    event("dropped", reason="Unsubscribed Address", status="5.0.0"),
    event("spamreport"),
]


def test_bounces_blocks_drops_deferrals_and_spam_reports_become_events(
    private_key, public_key
) -> None:
    body = json.dumps(EVENTS).encode()
    events = parse_sendgrid(body, signed(body, private_key), public_key=public_key, now=NOW)

    assert [(e.kind, e.status, e.policy, e.diagnostic) for e in events] == [
        (Kind.HARD, "5.1.1", False, "550 5.1.1 The email account does not exist"),
        (Kind.HARD, "5.7.1", True, "554 5.7.1 Service unavailable; blocked using Spamhaus"),
        (Kind.SOFT, "4.2.2", False, "452 4.2.2 Mailbox over quota"),
        (Kind.DELAYED, None, False, "400 try again later"),
        (Kind.HARD, "5.0.0", False, "dropped: Bounced Address"),
        (Kind.COMPLAINT, None, False, None),
    ]
    assert events[0] == WebhookEvent(
        provider="sendgrid",
        kind=Kind.HARD,
        recipient="jane@example.com",
        status="5.1.1",
        diagnostic="550 5.1.1 The email account does not exist",
        message_id="<d41.c7@example.org>",
        occurred_at=datetime.fromtimestamp(1772445000, UTC),
        provider_event_id="sg-bounce-event",
        provider_message_id="14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
    )


def test_headers_are_found_whatever_their_case(private_key, public_key) -> None:
    body = json.dumps([event("spamreport")]).encode()
    headers = {name.lower(): value for name, value in signed(body, private_key).items()}

    assert len(parse_sendgrid(body, headers, public_key=public_key, now=NOW)) == 1


def test_a_tampered_body_is_refused(private_key, public_key) -> None:
    body = json.dumps([event("spamreport")]).encode()
    headers = signed(body, private_key)
    tampered = body.replace(b"spamreport", b"delivered!")

    with pytest.raises(WebhookAuthError, match="signature does not match"):
        parse_sendgrid(tampered, headers, public_key=public_key, now=NOW)


def test_a_signature_by_another_key_is_refused(public_key) -> None:
    body = json.dumps([event("spamreport")]).encode()
    headers = signed(body, ec.generate_private_key(ec.SECP256R1()))

    with pytest.raises(WebhookAuthError, match="signature does not match"):
        parse_sendgrid(body, headers, public_key=public_key, now=NOW)


def test_a_signature_moved_to_another_timestamp_is_refused(private_key, public_key) -> None:
    body = json.dumps([event("spamreport")]).encode()
    headers = signed(body, private_key)
    headers[TIMESTAMP] = str(int(headers[TIMESTAMP]) + 1)

    with pytest.raises(WebhookAuthError, match="signature does not match"):
        parse_sendgrid(body, headers, public_key=public_key, now=NOW)


@pytest.mark.parametrize("age", [timedelta(minutes=6), -timedelta(minutes=6)])
def test_stale_or_future_timestamps_are_refused(private_key, public_key, age) -> None:
    body = json.dumps([event("spamreport")]).encode()
    headers = signed(body, private_key, at=NOW - age)

    with pytest.raises(WebhookAuthError, match="from now"):
        parse_sendgrid(body, headers, public_key=public_key, now=NOW)
    longer = timedelta(minutes=10)
    assert parse_sendgrid(body, headers, public_key=public_key, now=NOW, tolerance=longer)


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        (SIGNATURE, "no X-Twilio-Email-Event-Webhook-Signature header"),
        (TIMESTAMP, "no X-Twilio-Email-Event-Webhook-Timestamp header"),
    ],
)
def test_missing_headers_are_refused(private_key, public_key, drop, message) -> None:
    body = b"[]"
    headers = signed(body, private_key)
    del headers[drop]

    with pytest.raises(WebhookAuthError, match=message):
        parse_sendgrid(body, headers, public_key=public_key, now=NOW)


def test_garbage_in_the_headers_is_refused(private_key, public_key) -> None:
    body = b"[]"
    with pytest.raises(WebhookAuthError, match="is not a time"):
        parse_sendgrid(
            body, {SIGNATURE: "AAAA", TIMESTAMP: "yesterday"}, public_key=public_key, now=NOW
        )
    headers = {**signed(body, private_key), SIGNATURE: "not base64!"}
    with pytest.raises(WebhookAuthError, match="signature does not match"):
        parse_sendgrid(body, headers, public_key=public_key, now=NOW)


def test_the_key_may_be_given_as_pem_or_as_a_key_object(private_key, public_key) -> None:
    body = b"[]"
    pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    headers = signed(body, private_key)

    assert parse_sendgrid(body, headers, public_key=pem.decode(), now=NOW) == []
    assert parse_sendgrid(body, headers, public_key=load_public_key(public_key), now=NOW) == []


def test_unusable_keys_are_configuration_errors(private_key) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key()
    der = p384.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for value, message in [
        ("", "not set"),
        ("bm90IGEga2V5", "not a base64 DER public key"),
        (base64.b64encode(der).decode(), "not an ECDSA P-256"),
    ]:
        with pytest.raises(ConfigError, match=message) as caught:
            parse_sendgrid(b"[]", signed(b"[]", private_key), public_key=value, now=NOW)
        assert caught.value.key == "webhooks.sendgrid_public_key"


def test_malformed_and_oversized_bodies_are_refused(private_key, public_key) -> None:
    for body, error, message in [
        (b'{"event": "bounce"}', WebhookPayloadError, "not a JSON array"),
        (b"[1, 2]", WebhookPayloadError, "event 1 is not a JSON object"),
        (
            json.dumps([event("bounce", email="nobody")]).encode(),
            WebhookPayloadError,
            "event 1: no recipient",
        ),
        (b"[" + b" " * 2000 + b"]", WebhookTooLarge, "over the 1000 cap"),
    ]:
        with pytest.raises(error, match=message):
            parse_sendgrid(
                body, signed(body, private_key), public_key=public_key, now=NOW, max_bytes=1000
            )


def test_more_events_than_the_cap_are_refused(private_key, public_key) -> None:
    body = json.dumps([event("open")] * 4).encode()
    headers = signed(body, private_key)

    with pytest.raises(WebhookTooLarge, match="4 events"):
        parse_sendgrid(body, headers, public_key=public_key, now=NOW, max_events=3)
