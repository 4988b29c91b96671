"""ESP webhooks end to end: a signed request in, the subscriber's standing changed."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from mailer.app import App
from mailer.bounces.webhook_intake import WebhookIntake
from mailer.bounces.webhooks import WebhookAuthError
from mailer.campaigns import lifecycle, source
from mailer.db import Database
from tests.conftest import Cli, sendable_text, settings_for, table_count
from tests.integration.test_bounce_flow import THREE, events, person
from tests.integration.test_dispatch import SAMPLE, Scripted, app_for, send_all
from tests.unit import test_webhooks_ses as ses

MAILGUN_KEY = "key-0123456789abcdef0123456789abcdef"


def mailgun(data: dict[str, object], key: str = MAILGUN_KEY, at: datetime | None = None) -> bytes:
    """Signed at ``at`` (naive: UTC, as App.clock gives it), else at the machine's time."""
    moment = datetime.now(UTC) if at is None else at.replace(tzinfo=at.tzinfo or UTC)
    timestamp, token = str(int(moment.timestamp())), "t" * 50
    digest = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    signature = {"timestamp": timestamp, "token": token, "signature": digest}
    return json.dumps({"signature": signature, "event-data": data}).encode()


def test_signed_webhooks_of_three_providers_change_standing(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(THREE)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    campaign = source.load_valid(SAMPLE)
    app = app_for(db_url, 1)
    lifecycle.start(db, campaign, sendable_text(SAMPLE), now=app.clock())
    relay = Scripted()
    asyncio.run(send_all(app, relay))
    sent_ids = {
        rcpts[0]: data.split(b"Message-ID: ")[1].split(b"\r\n")[0].decode()
        for _, rcpts, data in relay.received
    }

    sendgrid_key = ec.generate_private_key(ec.SECP256R1())
    public = sendgrid_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    settings = settings_for(
        db_url,
        webhooks__mailgun_signing_key=MAILGUN_KEY,
        webhooks__sendgrid_public_key=base64.b64encode(public).decode(),
        webhooks__postmark_username="hooks",
        webhooks__postmark_password="s3cret-pass",
    )
    intake = type(app)(settings).webhook_intake()
    assert intake.configured() == ["sendgrid", "postmark", "mailgun"]  # SES: no topic set

    # Mailgun: a permanent failure naming our Message-ID (without brackets, as Mailgun does)
    failed = {
        "event": "failed",
        "severity": "permanent",
        "reason": "bounce",
        "recipient": "ok1@example.org",
        "timestamp": 1772445000.3,
        "delivery-status": {"code": 550, "message": "5.1.1 No such user"},
        "message": {"headers": {"message-id": sent_ids["ok1@example.org"].strip("<>")}},
    }
    with pytest.raises(WebhookAuthError):
        intake.receive("mailgun", mailgun(failed, key="key-forged"), {})
    assert table_count(db, "bounce_event") == 0
    assert intake.receive("mailgun", mailgun(failed), {}).recorded == 1

    # SendGrid: a spam report (a complaint)
    body = json.dumps(
        [
            {
                "email": "ok2@example.org",
                "event": "spamreport",
                "timestamp": 1772445000,
                "sg_event_id": "e1",
            }
        ]
    ).encode()
    timestamp = str(int(datetime.now(UTC).timestamp()))
    signature = sendgrid_key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    headers = {
        "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
    }
    assert intake.receive("sendgrid", body, headers).recorded == 1

    # Postmark: a soft bounce, behind Basic credentials
    soft = {
        "RecordType": "Bounce",
        "Type": "SoftBounce",
        "TypeCode": 4096,
        "Email": "ok3@example.org",
        "Details": "mailbox temporarily unavailable",
        "BouncedAt": "2026-12-01T09:00:00Z",
        "MessageID": "pm-1",
    }
    body = json.dumps(soft).encode()
    auth = "Basic " + base64.b64encode(b"hooks:s3cret-pass").decode()
    with pytest.raises(WebhookAuthError):
        intake.receive("postmark", body, {"Authorization": "Basic aG9va3M6d3Jvbmc="})
    assert intake.receive("postmark", body, {"Authorization": auth}).recorded == 1

    seen = events(cli)
    assert (seen["ok1@example.org"]["source"], seen["ok1@example.org"]["attributed_by"]) == (
        "mailgun",
        "message-id",
    )
    assert seen["ok2@example.org"]["kind"] == "complaint"
    assert (seen["ok3@example.org"]["kind"], seen["ok3@example.org"]["source"]) == (
        "soft",
        "postmark",
    )
    assert person(cli, "ok1@example.org")["status"] == "bounced"
    complained = person(cli, "ok2@example.org")
    assert complained["status"] == "complained"
    assert [item["status"] for item in complained["lists"]] == ["unsubscribed"]  # type: ignore[attr-defined]
    assert person(cli, "ok3@example.org")["bounce_score"] == 0.5


def ses_intake(db_url: str) -> WebhookIntake:
    """A fresh app's SES intake (a new process would have nothing in memory), its SNS
    certificate served by the test and its clock at the notifications' time."""
    settings = settings_for(db_url, webhooks__ses_topic_arns=f"{ses.TOPIC}, arn:aws:sns:x:1:y")
    intake = App(settings).webhook_intake()
    intake.cert_loader = ses.Loader(ses._certificate(SNS_KEY))
    intake.clock = lambda: ses.NOW
    return intake


SNS_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_a_repeated_sns_message_is_acknowledged_and_recorded_once(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(THREE)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    soft = {"emailAddress": "ok2@example.org", "status": "4.2.2", "diagnosticCode": "full"}
    message = ses.bounce("Transient", "MailboxFull", soft)
    first = json.dumps(ses.sign(ses.notification(message), SNS_KEY)).encode()
    again = ses.notification(message, MessageId="5e0b7c2a-0000-4000-8000-000000000002")
    second = json.dumps(ses.sign(again, SNS_KEY)).encode()

    assert ses_intake(db_url).receive("ses", first, {}).recorded == 1
    repeated = ses_intake(db_url).receive("ses", first, {})  # SNS retried: another host, later
    assert (repeated.recorded, repeated.duplicate) == (0, True)
    assert ses_intake(db_url).receive("ses", second, {}).recorded == 1
    assert table_count(db, "bounce_event") == 2
    assert person(cli, "ok2@example.org")["bounce_score"] == 0.5  # one soft bounce a day counts


def test_the_intake_tells_fresh_from_stale_by_the_apps_clock(db_url: str) -> None:
    """One clock: a notification signed at the App's time (not the machine's) is fresh."""
    then = datetime(2024, 3, 1, 12, 0)  # naive UTC, as App.clock gives it
    settings = settings_for(db_url, webhooks__mailgun_signing_key=MAILGUN_KEY)
    intake = App(settings, clock=lambda: then).webhook_intake()
    opened = {"event": "opened", "recipient": "ok1@example.org", "timestamp": 1709294400}
    assert intake.receive("mailgun", mailgun(opened, at=then), {}).recorded == 0
    with pytest.raises(WebhookAuthError, match="from now"):
        intake.receive("mailgun", mailgun(opened), {})  # signed at the machine's time
