"""Amazon SES via SNS: real RSA signatures over the canonical string, a self-signed test cert."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from mailer.bounces.webhooks import (
    CertificateUnavailable,
    SnsCertificateCache,
    SnsSubscription,
    WebhookAuthError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookTooLarge,
    check_sns_url,
    parse_ses,
)
from mailer.core.bounces import Kind

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CERT_URL = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"
TOPIC = "arn:aws:sns:us-west-2:123456789012:ses-bounces"


def _certificate(key: rsa.RSAPrivateKey, *, valid_days: int = 365) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=valid_days))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Loader:
    """A cert loader serving one PEM for one URL and recording every URL asked for."""

    pem: bytes
    url: str = CERT_URL
    asked: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        if url != self.url:
            raise CertificateUnavailable("ses", f"no certificate at {url}")
        return self.pem


@pytest.fixture(scope="module")
def pem(key: rsa.RSAPrivateKey) -> bytes:
    return _certificate(key)


@pytest.fixture
def loader(pem: bytes) -> Loader:
    return Loader(pem)


def _canonical(envelope: dict[str, Any]) -> bytes:
    if envelope["Type"] == "Notification":
        names = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        names = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{n}\n{envelope[n]}\n" for n in names if n in envelope).encode()


def sign(envelope: dict[str, Any], key: rsa.RSAPrivateKey, version: str = "1") -> dict[str, Any]:
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = key.sign(_canonical(envelope), padding.PKCS1v15(), algorithm)
    return {
        **envelope,
        "SignatureVersion": version,
        "Signature": base64.b64encode(signature).decode(),
        "SigningCertURL": CERT_URL,
    }


def notification(message: dict[str, Any] | str, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": TOPIC,
        "Message": message if isinstance(message, str) else json.dumps(message),
        "Timestamp": "2026-03-02T09:59:58.123Z",
        "UnsubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
        **extra,
    }


MAIL = {
    "timestamp": "2026-03-02T09:58:00.000Z",
    "source": "news@example.org",
    "messageId": "0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000",
    "destination": ["jane@example.com"],
    "headersTruncated": False,
    "headers": [
        {"name": "From", "value": "Newsletter <news@example.org>"},
        {"name": "Message-ID", "value": "<d41.c7@example.org>"},
    ],
    "commonHeaders": {
        "from": ["Newsletter <news@example.org>"],
        "to": ["Jane@Example.com"],
        "messageId": "<d41.c7@example.org>",
        "subject": "March issue",
    },
}


def bounce(bounce_type: str, sub_type: str, *recipients: dict[str, Any]) -> dict[str, Any]:
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": sub_type,
            "bouncedRecipients": list(recipients),
            "timestamp": "2026-03-02T09:59:38.237Z",
            "feedbackId": "00000137860315fd-869464a4-8680-4114-98d3-716fe35851f9-000000",
            "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com",
        },
        "mail": MAIL,
    }


UNKNOWN_USER = {
    "emailAddress": "Jane@Example.com",
    "action": "failed",
    "status": "5.1.1",
    "diagnosticCode": "smtp; 550 5.1.1   user unknown",
}


def post(
    envelope: dict[str, Any], loader: Callable[[str], bytes], **options: Any
) -> list[WebhookEvent] | SnsSubscription:
    body = json.dumps(envelope).encode()
    headers = {"x-amz-sns-message-type": envelope.get("Type", "")}
    options.setdefault("allowed_topics", {TOPIC})
    options.setdefault("now", NOW)
    return parse_ses(body, headers, cert_loader=loader, **options)


def test_a_permanent_bounce_signed_with_version_1_is_a_hard_bounce(key, loader) -> None:
    events = post(sign(notification(bounce("Permanent", "General", UNKNOWN_USER)), key), loader)

    assert events == [
        WebhookEvent(
            provider="ses",
            kind=Kind.HARD,
            recipient="jane@example.com",
            status="5.1.1",
            diagnostic="smtp; 550 5.1.1 user unknown",
            message_id="<d41.c7@example.org>",
            occurred_at=datetime(2026, 3, 2, 9, 59, 38, 237000, tzinfo=UTC),
            policy=False,
            provider_event_id="00000137860315fd-869464a4-8680-4114-98d3-716fe35851f9-000000",
            provider_message_id=MAIL["messageId"],
            notification_id="22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        )
    ]
    assert loader.asked == [CERT_URL]


def test_signature_version_2_and_a_full_mailbox_is_a_soft_bounce(key, loader) -> None:
    full = {
        "emailAddress": "mary@example.com",
        "action": "failed",
        "status": "5.2.2",
        "diagnosticCode": "smtp; 552 5.2.2 Mailbox full",
    }
    message = bounce("Transient", "MailboxFull", full)
    events = post(sign(notification(message), key, version="2"), loader)

    assert [(e.kind, e.recipient, e.status) for e in events] == [
        (Kind.SOFT, "mary@example.com", "5.2.2")
    ]


def test_a_permanent_bounce_for_a_full_mailbox_is_still_soft(key, loader) -> None:
    full = {"emailAddress": "mary@example.com", "status": "5.2.2"}
    events = post(sign(notification(bounce("Permanent", "General", full)), key), loader)

    assert events[0].kind == Kind.SOFT


def test_a_policy_rejection_is_flagged_and_undetermined_is_soft(key, loader) -> None:
    blocked = {"emailAddress": "a@example.com", "diagnosticCode": "smtp; 554 5.7.1 blocked"}
    unsure = {"emailAddress": "b@example.com"}
    message = bounce("Undetermined", "Undetermined", blocked, unsure)
    events = post(sign(notification(message), key), loader)

    assert [(e.recipient, e.kind, e.status, e.policy) for e in events] == [
        ("a@example.com", Kind.HARD, "5.7.1", True),
        ("b@example.com", Kind.SOFT, None, False),
    ]


def test_a_complaint_names_every_complaining_recipient(key, loader) -> None:
    message = {
        "notificationType": "Complaint",
        "complaint": {
            "userAgent": "AnyCompany Feedback Loop (V0.01)",
            "complainedRecipients": [{"emailAddress": "richard@example.com"}],
            "complaintFeedbackType": "abuse",
            "timestamp": "2026-03-02T09:59:00.000Z",
            "feedbackId": "000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000",
        },
        "mail": {**MAIL, "commonHeaders": {"messageId": "d41.c7@example.org"}},
    }
    events = post(sign(notification(message, Subject="Amazon SES complaint"), key), loader)

    assert len(events) == 1
    assert events[0].kind == Kind.COMPLAINT
    assert events[0].recipient == "richard@example.com"
    assert events[0].diagnostic == "abuse"
    assert events[0].message_id == "<d41.c7@example.org>"


def test_not_spam_feedback_and_deliveries_are_left_out(key, loader) -> None:
    not_spam = {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": "richard@example.com"}],
            "complaintFeedbackType": "not-spam",
            "timestamp": "2026-03-02T09:59:00.000Z",
        },
        "mail": MAIL,
    }
    delivery = {
        "notificationType": "Delivery",
        "delivery": {"recipients": ["jane@example.com"], "smtpResponse": "250 ok"},
        "mail": MAIL,
    }
    assert post(sign(notification(not_spam), key), loader) == []
    assert post(sign(notification(delivery), key), loader) == []


def test_a_published_delivery_delay_event_is_delayed(key, loader) -> None:
    message = {
        "eventType": "DeliveryDelay",
        "mail": {
            **MAIL,
            "commonHeaders": {},
            "headers": [{"name": "message-id", "value": "<x@y>"}],
        },
        "deliveryDelay": {
            "timestamp": "2026-03-02T09:59:00.000Z",
            "delayType": "TransientCommunicationFailure",
            "expirationTime": "2026-03-03T09:59:00.000Z",
            "delayedRecipients": [
                {
                    "emailAddress": "jane@example.com",
                    "status": "4.4.1",
                    "diagnosticCode": "smtp; 421 4.4.1 Unable to connect",
                }
            ],
        },
    }
    events = post(sign(notification(message), key), loader)

    assert [(e.kind, e.status, e.message_id) for e in events] == [(Kind.DELAYED, "4.4.1", "<x@y>")]


def test_the_topic_validation_message_of_ses_is_not_an_error(key, loader) -> None:
    text = "Successfully validated SNS topic for Amazon SES event destination."
    assert post(sign(notification(text), key), loader) == []


def test_a_subscription_confirmation_returns_the_url_to_visit(key, loader) -> None:
    url = f"https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=2336"
    envelope = {
        "Type": "SubscriptionConfirmation",
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37",
        "TopicArn": TOPIC,
        "Message": f"You have chosen to subscribe to the topic {TOPIC}.\nTo confirm …",
        "SubscribeURL": url,
        "Timestamp": "2026-03-02T09:00:00.000Z",
    }
    result = post(sign(envelope, key, version="2"), loader)

    assert result == SnsSubscription("SubscriptionConfirmation", TOPIC, url, "2336412f37")


def test_a_signed_subscribe_url_off_sns_is_refused(key, loader) -> None:
    envelope = {
        "Type": "SubscriptionConfirmation",
        "MessageId": "1",
        "Token": "t",
        "TopicArn": TOPIC,
        "Message": "confirm",
        "SubscribeURL": "https://internal.example/admin?drop=all",
        "Timestamp": "2026-03-02T09:00:00.000Z",
    }
    with pytest.raises(WebhookAuthError, match="not on an sns"):
        post(sign(envelope, key), loader)


def test_a_tampered_message_is_refused(key, loader) -> None:
    envelope = sign(notification(bounce("Permanent", "General", UNKNOWN_USER)), key)
    envelope["Message"] = envelope["Message"].replace("jane@", "someone-else@")

    with pytest.raises(WebhookAuthError, match="signature does not match"):
        post(envelope, loader)


def test_a_tampered_subject_is_refused(key, loader) -> None:
    envelope = sign(notification("hello", Subject="Amazon SES"), key)
    envelope["Subject"] = "Amazon SES!"

    with pytest.raises(WebhookAuthError, match="signature does not match"):
        post(envelope, loader)


def test_a_signature_by_another_key_is_refused(loader) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    envelope = sign(notification(bounce("Permanent", "General", UNKNOWN_USER)), other)

    with pytest.raises(WebhookAuthError, match="signature does not match"):
        post(envelope, loader)


def test_an_expired_certificate_is_refused(key) -> None:
    stale = Loader(_certificate(key, valid_days=0))
    envelope = sign(notification("hello", Timestamp="2026-03-03T09:59:58.123Z"), key)

    with pytest.raises(WebhookAuthError, match="not valid at"):
        post(envelope, stale, now=NOW + timedelta(1))


@pytest.mark.parametrize(
    "url",
    [
        "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem",
        "http://sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com:8443/cert.pem",
        "https://sns.us-east-1.amazonaws.com@evil.example/cert.pem",
        "https://evil.example@sns.us-east-1.amazonaws.com/cert.pem",
        "https://s3.amazonaws.com/sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com/cert.txt",
        "https://evilsns.us-east-1.amazonaws.com/cert.pem",
        "file:///etc/passwd",
    ],
)
def test_a_forged_certificate_url_is_refused_before_anything_is_fetched(
    key, loader, url: str
) -> None:
    envelope = {**sign(notification("hello"), key), "SigningCertURL": url}

    with pytest.raises(WebhookAuthError, match="refused"):
        post(envelope, loader)
    with pytest.raises(WebhookAuthError):
        SnsCertificateCache()(url)  # the default loader checks too, before any download
    assert loader.asked == []


def test_the_sns_host_pattern_accepts_real_regions() -> None:
    check_sns_url("https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-a.pem")
    check_sns_url("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-a.pem")


def test_a_topic_not_allowed_is_refused_without_fetching(key, loader) -> None:
    envelope = sign(notification("hello"), key)

    with pytest.raises(WebhookAuthError, match="not an allowed topic"):
        post(envelope, loader, allowed_topics={"arn:aws:sns:eu-west-1:1:other"})
    assert loader.asked == []
    assert post(envelope, loader, allowed_topics={TOPIC}) == []


def test_raw_delivery_and_unknown_signature_versions_are_refused(key, loader) -> None:
    raw = bounce("Permanent", "General", UNKNOWN_USER)
    with pytest.raises(WebhookPayloadError, match="not an SNS message type"):
        post(raw, loader)

    unsigned = notification("hello", SignatureVersion="1")
    with pytest.raises(WebhookAuthError, match="no Signature"):
        post(unsigned, loader)

    version_3 = {**sign(notification("hello"), key), "SignatureVersion": "3"}
    with pytest.raises(WebhookAuthError, match="SignatureVersion '3'"):
        post(version_3, loader)


def test_a_header_that_contradicts_the_body_and_malformed_bodies_are_refused(key, loader) -> None:
    body = json.dumps(sign(notification("hello"), key)).encode()
    headers = {"X-Amz-Sns-Message-Type": "SubscriptionConfirmation"}
    with pytest.raises(WebhookPayloadError, match="header says"):
        parse_ses(body, headers, cert_loader=loader, now=NOW)
    with pytest.raises(WebhookPayloadError, match="not valid JSON"):
        parse_ses(b"{not json", {}, cert_loader=loader, now=NOW)
    with pytest.raises(WebhookPayloadError, match="not a JSON object"):
        parse_ses(b"[]", {}, cert_loader=loader, now=NOW)


def test_a_signed_bounce_without_recipients_is_malformed(key, loader) -> None:
    message = bounce("Permanent", "General")
    with pytest.raises(WebhookPayloadError, match="bouncedRecipients"):
        post(sign(notification(message), key), loader)


def test_bodies_and_recipient_lists_over_the_caps_are_refused(key, loader) -> None:
    envelope = sign(notification(bounce("Permanent", "General", UNKNOWN_USER)), key)
    with pytest.raises(WebhookTooLarge, match="cap"):
        post(envelope, loader, max_bytes=1000)

    many = [{"emailAddress": f"user{i}@example.com", "status": "5.1.1"} for i in range(11)]
    envelope = sign(notification(bounce("Permanent", "General", *many)), key)
    with pytest.raises(WebhookTooLarge, match="11 events"):
        post(envelope, loader, max_events=10)
    assert len(post(envelope, loader, max_events=11)) == 11


def confirmation(topic: str = TOPIC, timestamp: str = "2026-03-02T09:59:00.000Z") -> dict[str, Any]:
    url = f"https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn={topic}"
    return {
        "Type": "SubscriptionConfirmation",
        "MessageId": "c1",
        "Token": "2336412f37",
        "TopicArn": topic,
        "Message": "confirm",
        "SubscribeURL": url,
        "Timestamp": timestamp,
    }


def test_without_an_allowed_topic_nothing_is_accepted_or_confirmed(key, loader) -> None:
    """SNS signs every AWS customer's topics with the same certificate: a valid signature says
    nothing about whose topic it is. With no topic configured, nothing is taken."""
    for envelope in (confirmation(), notification(bounce("Permanent", "General", UNKNOWN_USER))):
        with pytest.raises(WebhookAuthError, match="no SNS topic is allowed"):
            post(sign(envelope, key), loader, allowed_topics=())
    assert loader.asked == []


def test_another_customers_topic_is_never_confirmed(key, loader) -> None:
    stranger = "arn:aws:sns:us-west-2:999999999999:theirs"
    with pytest.raises(WebhookAuthError, match="not an allowed topic"):
        post(sign(confirmation(stranger), key), loader)
    assert loader.asked == []
    assert isinstance(post(sign(confirmation(), key), loader), SnsSubscription)


@pytest.mark.parametrize(
    ("timestamp", "accepted"),
    [
        ("2026-03-02T09:00:01.000Z", True),  # 59 minutes old
        ("2026-03-02T08:59:59.000Z", False),  # over an hour
        ("2026-02-02T10:00:00.000Z", False),  # a month: a recorded message played again
        ("2026-03-02T10:04:00.000Z", True),  # a clock a little ahead
        ("2026-03-02T10:30:00.000Z", False),  # from the future
        ("yesterday", False),
    ],
)
def test_a_message_older_than_an_hour_is_refused(key, loader, timestamp, accepted) -> None:
    message = notification(bounce("Permanent", "General", UNKNOWN_USER), Timestamp=timestamp)
    envelope = sign(message, key)
    if accepted:
        assert [e.recipient for e in post(envelope, loader)] == ["jane@example.com"]  # type: ignore[union-attr]
    else:
        with pytest.raises(WebhookAuthError, match="Timestamp"):
            post(envelope, loader)
