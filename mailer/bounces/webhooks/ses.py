"""Amazon SES bounce, complaint and delay notifications, delivered by SNS over HTTP(S).

The SNS envelope is signed (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) over the
canonical "Key\\nValue\\n" string of its documented fields; the signing certificate is fetched
from ``SigningCertURL``, which must be ``https://sns.<region>.amazonaws.com[.cn]/….pem``
(checked before anything is fetched). Raw message delivery carries no signature and is refused.

SNS signs every AWS customer's topics with the same certificates, so a valid signature says only
that *some* topic sent the message: only the configured ``TopicArn``s are accepted (none
configured: nothing is), and a subscription to any other topic is never confirmed. A message
whose signed ``Timestamp`` is over ``MAX_AGE`` old (or ahead of ``now`` by more than
``tolerance``) is refused, so a recorded message cannot be played again later; within that hour
the caller drops repeats by ``MessageId`` (``WebhookEvent.notification_id``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mailer.bounces.webhooks.events import (
    MAX_BODY_BYTES,
    MAX_EVENTS,
    WebhookEvent,
    as_object,
    check_count,
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
from mailer.errors import (
    CertificateUnavailable,
    WebhookAuthError,
    WebhookPayloadError,
)
from mailer.sns.certificates import check_sns_url

PROVIDER = "ses"
CertLoader = Callable[[str], bytes]
MAX_AGE = timedelta(hours=1)

_SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
_SIGNED_FIELDS["UnsubscribeConfirmation"] = _SIGNED_FIELDS["SubscriptionConfirmation"]
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "1": hashes.SHA1,  # SNS's own default; its certificates are fetched only from AWS over TLS
    "2": hashes.SHA256,
}


@dataclass(frozen=True)
class SnsSubscription:
    """SNS asks to confirm a subscription (``type`` SubscriptionConfirmation) or reports that
    one ended (UnsubscribeConfirmation). Nothing was fetched: the caller decides whether to
    visit ``subscribe_url`` (checked to be an SNS https URL)."""

    type: str
    topic_arn: str
    subscribe_url: str
    token: str


def parse_ses(
    body: bytes,
    headers: Mapping[str, str],
    *,
    cert_loader: CertLoader,
    now: datetime,
    allowed_topics: Collection[str] = (),
    max_bytes: int = MAX_BODY_BYTES,
    max_events: int = MAX_EVENTS,
    tolerance: timedelta = timedelta(minutes=5),
) -> list[WebhookEvent] | SnsSubscription:
    """Verify one SNS POST and read the SES events in it.

    ``allowed_topics`` lists the TopicArns accepted; empty, every message is refused. Returns
    the bounce, complaint and delay events (deliveries, opens … are left out), or an
    ``SnsSubscription``.
    Raises ``WebhookAuthError``, ``WebhookPayloadError``, ``WebhookTooLarge`` or, when the
    certificate cannot be fetched, ``CertificateUnavailable``.
    """
    check_size(PROVIDER, body, max_bytes)
    envelope = as_object(PROVIDER, load_json(PROVIDER, body), "body")
    kind = envelope.get("Type")
    if kind not in _SIGNED_FIELDS:
        raise WebhookPayloadError(
            PROVIDER, f"Type {kind!r} is not an SNS message type (raw delivery is not supported)"
        )
    announced = header(headers, "x-amz-sns-message-type")
    if announced is not None and announced != kind:
        raise WebhookPayloadError(PROVIDER, f"header says {announced!r} but the body {kind!r}")
    topic = envelope.get("TopicArn")
    if not allowed_topics:
        raise WebhookAuthError(PROVIDER, "no SNS topic is allowed (webhooks.ses_topic_arns)")
    if topic not in allowed_topics:
        raise WebhookAuthError(PROVIDER, f"TopicArn {topic!r} is not an allowed topic")
    _check_time(envelope.get("Timestamp"), now, tolerance)
    _verify(envelope, kind, cert_loader, now)
    if kind != "Notification":
        url = str(envelope["SubscribeURL"])
        check_sns_url(url, certificate=False)
        return SnsSubscription(kind, str(topic), url, str(envelope["Token"]))
    try:
        notification = load_json(PROVIDER, envelope["Message"], "Message")
    except WebhookPayloadError:
        return []  # SES validates a new topic with a plain-text notification
    return _events(as_object(PROVIDER, notification, "Message"), envelope, max_events)


def _check_time(value: Any, now: datetime, tolerance: timedelta) -> None:
    """Refuses a message published over ``MAX_AGE`` ago or more than ``tolerance`` ahead."""
    sent = iso_time(value)
    if sent is None:
        raise WebhookAuthError(PROVIDER, f"Timestamp {str(value)[:40]!r} is not an ISO 8601 time")
    if sent < now - MAX_AGE:
        raise WebhookAuthError(PROVIDER, f"Timestamp {value} is over {MAX_AGE} old; refused")
    if sent > now + tolerance:
        raise WebhookAuthError(PROVIDER, f"Timestamp {value} is in the future; refused")


def _verify(envelope: dict[str, Any], kind: str, cert_loader: CertLoader, now: datetime) -> None:
    version = envelope.get("SignatureVersion")
    hash_algorithm = _HASHES.get(version) if isinstance(version, str) else None
    if hash_algorithm is None:
        raise WebhookAuthError(PROVIDER, f"SignatureVersion {version!r} is not 1 or 2")
    signature_text = envelope.get("Signature")
    url = envelope.get("SigningCertURL")
    if not isinstance(signature_text, str) or not isinstance(url, str):
        raise WebhookAuthError(PROVIDER, "no Signature or SigningCertURL (raw delivery is refused)")
    check_sns_url(url)
    canonical = _canonical(envelope, kind)
    try:
        signature = base64.b64decode(signature_text, validate=True)
    except binascii.Error as exc:
        raise WebhookAuthError(PROVIDER, "Signature is not base64") from exc
    try:
        certificate = x509.load_pem_x509_certificate(cert_loader(url))
    except ValueError as exc:
        raise CertificateUnavailable(PROVIDER, f"{url} is not a PEM certificate") from exc
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise WebhookAuthError(PROVIDER, f"the certificate at {url} is not valid at {now}")
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise WebhookAuthError(PROVIDER, f"the certificate at {url} has no RSA key")
    try:
        key.verify(signature, canonical, padding.PKCS1v15(), hash_algorithm())
    except InvalidSignature as exc:
        raise WebhookAuthError(PROVIDER, "the signature does not match the message") from exc


def _canonical(envelope: dict[str, Any], kind: str) -> bytes:
    lines: list[str] = []
    for name in _SIGNED_FIELDS[kind]:
        value = envelope.get(name)
        if value is None and name == "Subject":
            continue  # signed only when present
        if not isinstance(value, str):
            raise WebhookPayloadError(PROVIDER, f"{kind} field {name!r} is missing or not text")
        lines += (name, value)
    return "".join(f"{line}\n" for line in lines).encode()


def _events(
    notification: dict[str, Any], envelope: dict[str, Any], max_events: int
) -> list[WebhookEvent]:
    # notifications say notificationType; configuration-set event publishing says eventType
    kind = notification.get("notificationType") or notification.get("eventType")
    mail = notification.get("mail")
    mail = mail if isinstance(mail, dict) else {}
    our_id, their_id = _message_id(mail), text(mail.get("messageId"))
    if kind == "Bounce":
        report = as_object(PROVIDER, notification.get("bounce"), "bounce")
        entries = _list(report, "bouncedRecipients", max_events)
    elif kind == "DeliveryDelay":
        report = as_object(PROVIDER, notification.get("deliveryDelay"), "deliveryDelay")
        entries = _list(report, "delayedRecipients", max_events)
    elif kind == "Complaint":
        report = as_object(PROVIDER, notification.get("complaint"), "complaint")
        if report.get("complaintFeedbackType") == "not-spam":
            return []  # the recipient said it is *not* spam
        entries = _list(report, "complainedRecipients", max_events)
    else:
        return []  # Delivery, Send, Open, Click, Reject, Rendering Failure …
    occurred_at = iso_time(report.get("timestamp"))
    event_id = text(report.get("feedbackId")) or text(envelope.get("MessageId"))
    events = []
    for index, entry in enumerate(entries):
        where = f"recipient {index + 1}"
        entry = as_object(PROVIDER, entry, where)
        address = recipient(PROVIDER, entry.get("emailAddress"), where)
        status = status_of(entry.get("status"), entry.get("diagnosticCode"))
        explanation = diagnostic(entry.get("diagnosticCode"))
        if kind == "Complaint":
            bounce_kind, policy = Kind.COMPLAINT, False
            explanation = diagnostic(report.get("complaintFeedbackType"))  # "abuse", "fraud" …
        elif kind == "DeliveryDelay":
            bounce_kind, policy = Kind.DELAYED, False
        else:  # Permanent; Transient and Undetermined are soft
            bounce_kind, policy = kind_for(report.get("bounceType") == "Permanent", status)
        events.append(
            WebhookEvent(
                PROVIDER,
                bounce_kind,
                address,
                status=status,
                diagnostic=explanation,
                message_id=our_id,
                occurred_at=occurred_at,
                policy=policy,
                provider_event_id=event_id,
                provider_message_id=their_id,
                notification_id=text(envelope.get("MessageId")),
            )
        )
    return events


def _list(report: dict[str, Any], name: str, max_events: int) -> list[Any]:
    entries = report.get(name)
    if not isinstance(entries, list) or not entries:
        raise WebhookPayloadError(PROVIDER, f"{name} is missing or empty")
    check_count(PROVIDER, len(entries), max_events)
    return entries


def _message_id(mail: dict[str, Any]) -> str | None:
    common = mail.get("commonHeaders")
    if isinstance(common, dict) and text(common.get("messageId")):
        return message_id(common["messageId"])
    for item in mail.get("headers") or []:
        if isinstance(item, dict) and str(item.get("name", "")).lower() == "message-id":
            return message_id(item.get("value"))
    return None


def topics(settings: WebhooksSettings) -> list[str]:
    """The SNS topics (ARNs) whose messages are accepted: ``webhooks.ses_topic_arns``."""
    return list(settings.ses_topic_arns)


def _parse(
    body: bytes, headers: Mapping[str, str], settings: WebhooksSettings, verifying: Verifying
) -> list[WebhookEvent] | SnsSubscription:
    return parse_ses(
        body,
        headers,
        cert_loader=verifying.cert_loader,
        now=verifying.now,
        allowed_topics=topics(settings),
        max_events=settings.max_events,
        tolerance=timedelta(seconds=settings.tolerance_seconds),
        max_bytes=settings.max_body_bytes,
    )


# SNS signs every AWS customer's topics with the same certificates: without a topic of ours
# listed, any AWS account could post here, so SES is configured only with one
WEBHOOK = Provider(
    name=PROVIDER,
    settings=("ses_topic_arns",),
    setup="webhooks.ses_topic_arns: the SNS topics (ARNs) subscribed to this URL",
    auth=Auth.SIGNATURE,
    parse=_parse,
    ready=lambda settings: bool(topics(settings)),
)
