"""Postmark bounce and spam-complaint webhooks, authenticated by HTTP Basic credentials."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from mailer.bounces.webhooks import (
    WebhookAuthError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookTooLarge,
    parse_postmark,
)
from mailer.core.bounces import Kind
from mailer.errors import ConfigError

USER, PASSWORD = "postmark", "s3cret-Pa55word"


def basic(user: str = USER, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def record(**fields: Any) -> dict[str, Any]:
    """Modelled on Postmark's documented bounce webhook example."""
    return {
        "RecordType": "Bounce",
        "MessageStream": "broadcast",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "newsletter",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": "John@Example.com",
        "From": "news@example.org",
        "BouncedAt": "2026-03-02T09:28:10.2735393-04:00",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "March issue",
        **fields,
    }


def post(payload: dict[str, Any], headers: dict[str, str] | None = None) -> list[WebhookEvent]:
    body = json.dumps(payload).encode()
    return parse_postmark(
        body, basic() if headers is None else headers, username=USER, password=PASSWORD
    )


def test_a_hard_bounce_becomes_a_hard_event() -> None:
    assert post(record()) == [
        WebhookEvent(
            provider="postmark",
            kind=Kind.HARD,
            recipient="john@example.com",
            status="5.1.1",
            diagnostic="smtp;550 5.1.1 The email account that you tried to reach does not exist.",
            message_id=None,
            occurred_at=datetime(
                2026, 3, 2, 9, 28, 10, 273539, tzinfo=timezone(-timedelta(hours=4))
            ),
            provider_event_id="4323372036854775807",
            provider_message_id="883953f4-6105-42a2-a16a-77a8eac79483",
        )
    ]


@pytest.mark.parametrize(
    ("bounce_type", "details", "kind", "policy"),
    [
        ("SoftBounce", "552 5.2.2 Mailbox full", Kind.SOFT, False),
        ("Transient", "Message delayed", Kind.SOFT, False),
        ("DnsError", "DNS lookup failed", Kind.SOFT, False),
        ("BadEmailAddress", "Invalid address", Kind.HARD, False),
        ("HardBounce", "552 5.2.2 Mailbox full", Kind.SOFT, False),
        ("HardBounce", "554 5.7.1 rejected by policy", Kind.HARD, True),
        ("Blocked", "ISP block", Kind.HARD, True),
        ("DMARCPolicy", "5.7.509 DMARC", Kind.HARD, True),
    ],
)
def test_bounce_types_map_to_kinds(bounce_type, details, kind, policy) -> None:
    [event] = post(record(Type=bounce_type, Details=details))

    assert (event.kind, event.policy) == (kind, policy)


def test_a_spam_complaint_is_a_complaint() -> None:
    complaint = record(
        RecordType="SpamComplaint",
        Type="SpamComplaint",
        TypeCode=512,
        Details="Test spam complaint details",
        BouncedAt="2026-03-02T09:28:10Z",
    )
    [event] = post(complaint)

    assert (event.kind, event.recipient, event.status) == (Kind.COMPLAINT, "john@example.com", None)
    assert event.occurred_at == datetime(2026, 3, 2, 9, 28, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "payload",
    [
        record(Type="AutoResponder"),
        record(Type="ManuallyDeactivated"),
        record(Type="SMTPApiError"),
        {"RecordType": "Delivery", "Recipient": "john@example.com", "MessageID": "x"},
        {"RecordType": "Open", "Recipient": "john@example.com", "MessageID": "x"},
        {"RecordType": "SubscriptionChange", "Recipient": "john@example.com"},
    ],
)
def test_other_records_and_types_are_left_out(payload) -> None:
    assert post(payload) == []


def test_our_message_id_is_read_from_the_bounce_content_when_included() -> None:
    content = (
        "From: MAILER-DAEMON@mx.example.com\r\n"
        "Message-ID: <dsn-123@mx.example.com>\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nNo such user.\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "From: news@example.org\r\nTo: john@example.com\r\nMessage-ID: <d41.c7@example.org>\r\n"
        "--b--\r\n"
    )
    [event] = post(record(Content=content))

    assert event.message_id == "<d41.c7@example.org>"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "no Basic Authorization header"),
        ({"Authorization": "Bearer abc"}, "no Basic Authorization header"),
        ({"Authorization": "Basic"}, "no Basic Authorization header"),
        ({"Authorization": "Basic !!!"}, "not base64"),
        (basic(password="wrong"), "wrong user or password"),
        (basic(user="admin"), "wrong user or password"),
        (basic(password=""), "wrong user or password"),
        (basic(password=PASSWORD + "x"), "wrong user or password"),
    ],
)
def test_wrong_or_missing_credentials_are_refused(headers, message) -> None:
    with pytest.raises(WebhookAuthError, match=message) as caught:
        post(record(), headers)
    assert PASSWORD not in str(caught.value)


def test_credentials_are_checked_whatever_the_header_case() -> None:
    headers = {"authorization": basic()["Authorization"].replace("Basic", "basic")}
    assert len(post(record(), headers)) == 1


def test_unset_credentials_refuse_every_request() -> None:
    with pytest.raises(ConfigError, match="not set"):
        parse_postmark(b"{}", basic("", ""), username="", password="")


def test_malformed_and_oversized_bodies_are_refused() -> None:
    for body, error, message in [
        (b"not json", WebhookPayloadError, "not valid JSON"),
        (b"[]", WebhookPayloadError, "not a JSON object"),
        (json.dumps(record(Email="")).encode(), WebhookPayloadError, "no recipient"),
        (b" " * 2049, WebhookTooLarge, "over the 2048 cap"),
    ]:
        with pytest.raises(error, match=message):
            parse_postmark(body, basic(), username=USER, password=PASSWORD, max_bytes=2048)
