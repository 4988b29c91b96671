"""The ESP webhooks over HTTP, then what ``/api/v1/bounces`` and ``/api/v1/stats`` show."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mailer.campaigns import lifecycle, source
from tests.conftest import sendable_text
from tests.integration.test_bounce_webhooks import MAILGUN_KEY, mailgun
from tests.integration.test_dispatch import Scripted, send_all
from tests.web.test_api_auth import Api, token_for
from tests.web.test_staff_support import SLUG, add_people, make_app

POSTMARK = "Basic " + base64.b64encode(b"hooks:s3cret-pass").decode()


@pytest.fixture
def sent(db_url: str, tmp_path: Path) -> tuple[Api, dict[str, str]]:
    """The sample issue sent to the four people; their Message-IDs by address."""
    app = make_app(
        db_url,
        tmp_path,
        webhooks__mailgun_signing_key=MAILGUN_KEY,
        webhooks__postmark_username="hooks",
        webhooks__postmark_password="s3cret-pass",
        webhooks__max_body_bytes="4000",
    )
    add_people(app, tmp_path)
    folder = Path(app.settings.paths.campaigns) / SLUG
    text = sendable_text(folder)
    lifecycle.start(app.database, source.load_valid(folder), text, now=app.clock())
    relay = Scripted()
    asyncio.run(send_all(app, relay))
    ids = {
        rcpts[0]: data.split(b"Message-ID: ")[1].split(b"\r\n")[0].decode()
        for _, rcpts, data in relay.received
    }
    return Api(app, token_for(app)), ids


def failed(address: str, message_id: str) -> dict[str, Any]:
    return {
        "event": "failed",
        "severity": "permanent",
        "reason": "bounce",
        "recipient": address,
        "timestamp": 1772445000.3,
        "delivery-status": {"code": 550, "message": "5.1.1 No such user"},
        "message": {"headers": {"message-id": message_id.strip("<>")}},
    }


def test_signed_webhooks_are_recorded_and_others_refused(sent: tuple[Api, dict[str, str]]) -> None:
    api, ids = sent
    now = api.app.clock()  # signed at the app's time: its clock is the intake's too
    body = mailgun(failed("nino@example.org", ids["nino@example.org"]), at=now)
    forged = mailgun(failed("nino@example.org", ids["nino@example.org"]), "key-forged", now)
    refused = api.post("/webhooks/mailgun", content=forged, token=None)
    assert refused.status_code == 403
    assert "mailgun webhook" in refused.json()["error"]
    accepted = api.post("/webhooks/mailgun", content=body, token=None)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["recorded"] == 1
    assert accepted.json()["provider"] == "mailgun"
    replayed = api.post("/webhooks/mailgun", content=body, token=None)
    assert replayed.status_code == 403
    assert api.get("/api/v1/subscribers/nino@example.org").json()["status"] == "bounced"

    soft = {
        "RecordType": "Bounce",
        "Type": "SoftBounce",
        "TypeCode": 4096,
        "Email": "ana@example.org",
        "Details": "mailbox temporarily unavailable",
        "BouncedAt": "2026-12-01T09:00:00Z",
        "MessageID": "pm-1",
    }
    wrong = api.post(
        "/webhooks/postmark",
        json=soft,
        token=None,
        headers={"Authorization": "Basic aG9va3M6d3Jvbmc="},
    )
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"].startswith("Basic")
    ok = api.post("/webhooks/postmark", json=soft, token=None, headers={"Authorization": POSTMARK})
    assert ok.status_code == 200
    assert ok.json()["recorded"] == 1

    unreadable = api.post(
        "/webhooks/postmark", content=b"{not json", token=None, headers={"Authorization": POSTMARK}
    )
    assert unreadable.status_code == 400
    assert "error" in unreadable.json()
    big = api.post(
        "/webhooks/postmark", content=b" " * 5000, token=None, headers={"Authorization": POSTMARK}
    )
    assert big.status_code == 413
    off = api.post("/webhooks/sendgrid", content=b"[]", token=None)
    assert off.status_code == 404
    assert api.post("/webhooks/ses", content=b"{}", token=None).status_code == 404

    kinds = [(b["recipient"], b["kind"], b["source"]) for b in api.get("/api/v1/bounces").json()]
    assert sorted(kinds) == [
        ("ana@example.org", "soft", "postmark"),
        ("nino@example.org", "hard", "mailgun"),
    ]


SENDGRID_KEY = base64.b64encode(
    ec.generate_private_key(ec.SECP256R1())
    .public_key()
    .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
).decode()
WEBHOOK_SETTINGS = {
    "ses": {"webhooks__ses_topic_arns": "arn:aws:sns:eu-west-1:123456789012:bounces"},
    "sendgrid": {"webhooks__sendgrid_public_key": SENDGRID_KEY},
    "postmark": {"webhooks__postmark_username": "u", "webhooks__postmark_password": "p"},
    "mailgun": {"webhooks__mailgun_signing_key": MAILGUN_KEY},
}


def test_a_provider_has_a_route_only_when_it_is_configured(db_url: str, tmp_path: Path) -> None:
    """Unconfigured, every provider's URL is 404 (SES too: SNS signs every AWS customer's
    topics with one certificate, so without our topic ARNs anyone could publish to it)."""
    bare = Api(make_app(db_url, tmp_path))
    for provider in WEBHOOK_SETTINGS:
        answer = bare.post(f"/webhooks/{provider}", content=b"{}", token=None)
        assert answer.status_code == 404, (provider, answer.text)
    paths = bare.get("/api/v1/openapi.json", token=None).json()["paths"]
    assert not [path for path in paths if path.startswith("/webhooks/")]

    for provider, settings in WEBHOOK_SETTINGS.items():
        one = Api(make_app(db_url, tmp_path, **settings))
        answer = one.post(f"/webhooks/{provider}", content=b"{}", token=None)
        assert answer.status_code in (400, 401, 403), (provider, answer.text)
        others = [p for p in WEBHOOK_SETTINGS if p != provider]
        codes = [one.post(f"/webhooks/{p}", content=b"{}", token=None).status_code for p in others]
        assert codes == [404, 404, 404]


def test_bounce_list_filters_and_stats(sent: tuple[Api, dict[str, str]]) -> None:
    api, ids = sent
    body = mailgun(failed("nino@example.org", ids["nino@example.org"]), at=api.app.clock())
    assert api.post("/webhooks/mailgun", content=body, token=None).status_code == 200
    soft = {
        "RecordType": "Bounce",
        "Type": "SoftBounce",
        "Email": "ana@example.org",
        "Details": "try later",
        "MessageID": "pm-2",
    }
    api.post(
        "/webhooks/postmark",
        content=json.dumps(soft),
        token=None,
        headers={"Authorization": POSTMARK},
    )

    (hard,) = api.get("/api/v1/bounces", params={"kind": "hard"}).json()
    assert (hard["recipient"], hard["status"], hard["campaign"]) == (
        "nino@example.org",
        "5.1.1",
        SLUG,
    )
    assert hard["subscriber"] == "nino@example.org"
    assert hard["action"]
    assert len(api.get("/api/v1/bounces", params={"since": "7d"}).json()) == 2
    assert api.get("/api/v1/bounces", params={"since": "2026-11-21"}).json() == []
    assert len(api.get("/api/v1/bounces", params={"limit": 1}).json()) == 1
    bad = api.get("/api/v1/bounces", params={"since": "last week"})
    assert (bad.status_code, bad.json()["field"]) == (422, "since")
    kind = api.get("/api/v1/bounces", params={"kind": "angry"})
    assert (kind.status_code, kind.json()["field"]) == (422, "kind")

    stats = api.get("/api/v1/stats").json()
    assert stats["subscribers"]["by_status"] == {
        "unconfirmed": 0,
        "active": 3,
        "unsubscribed": 0,
        "bounced": 1,
        "complained": 0,
        "blocklisted": 0,
    }
    assert stats["subscribers"]["by_country"] == {"BY": 1, "GB": 1, "RS": 1}
    assert stats["subscribers"]["by_language"] == {"en": 1, "ru": 1, "sr": 1}
    assert stats["deliveries"] == {"bounced": 1, "sent": 3}  # the hard bounce marks its delivery
    assert stats["bounces"] == {"hard": 1, "soft": 1}
    everyone = api.get("/api/v1/stats", params={"status": "any"}).json()
    assert everyone["subscribers"]["by_country"]["GE"] == 1
