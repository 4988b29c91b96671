"""ESP webhooks in: verify and parse (``webhooks``), then record through the same ingest.

The web layer mounts one route per provider and calls ``WebhookIntake.receive`` (from a thread:
SES may fetch its signing certificate); it maps ``WebhookAuthError`` to 401/403,
``WebhookTooLarge`` to 413, other ``WebhookPayloadError`` to 400, ``CertificateUnavailable``
to 503 so the provider retries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from mailer.bounces.ingest import Ingest
from mailer.bounces.webhooks import (
    CertLoader,
    ReplayCache,
    ReplayGuard,
    SnsCertificateCache,
    SnsSubscription,
    WebhookEvent,
    WebhookPayloadError,
    parse_mailgun,
    parse_postmark,
    parse_sendgrid,
    parse_ses,
)
from mailer.config import WebhooksSettings

PROVIDERS = ("ses", "sendgrid", "postmark", "mailgun")


@dataclass(frozen=True)
class Received:
    recorded: int  # events recorded
    actions: tuple[str, ...] = ()
    subscribe_url: str | None = None  # SNS asks us to confirm a subscription at this URL


@dataclass
class WebhookIntake:
    ingest: Ingest
    settings: WebhooksSettings
    cert_loader: CertLoader = field(default_factory=SnsCertificateCache)
    replay: ReplayGuard = field(default_factory=ReplayCache)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # aware

    def receive(self, provider: str, body: bytes, headers: Mapping[str, str]) -> Received:
        """Verify, parse and record one request; raises a ``WebhookError`` on refusal."""
        parsed = self.parse(provider, body, headers)
        if isinstance(parsed, SnsSubscription):
            return Received(0, subscribe_url=parsed.subscribe_url)
        actions = self.ingest.reported(parsed, source=provider)
        return Received(len(actions), tuple(actions))

    def parse(
        self, provider: str, body: bytes, headers: Mapping[str, str]
    ) -> list[WebhookEvent] | SnsSubscription:
        s = self.settings
        now = self.clock()
        caps = {"max_bytes": s.max_body_bytes}
        tolerance = timedelta(seconds=s.tolerance_seconds)
        if provider == "ses":
            topics = [t.strip() for t in s.ses_topic_arns.split(",") if t.strip()]
            return parse_ses(body, headers, cert_loader=self.cert_loader, now=now,
                             allowed_topics=topics, max_events=s.max_events, **caps)  # fmt: skip
        if provider == "sendgrid":
            return parse_sendgrid(body, headers, public_key=s.sendgrid_public_key, now=now,
                                  tolerance=tolerance, max_events=s.max_events, **caps)  # fmt: skip
        if provider == "postmark":
            return parse_postmark(body, headers, username=s.postmark_username,
                                  password=s.postmark_password, **caps)  # fmt: skip
        if provider == "mailgun":
            return parse_mailgun(body, headers, signing_key=s.mailgun_signing_key, now=now,
                                 replay_guard=self.replay, tolerance=tolerance, **caps)  # fmt: skip
        raise WebhookPayloadError(provider, f"unknown provider; expected one of {PROVIDERS}")

    def configured(self) -> list[str]:
        """The providers whose settings are filled in (SES needs none: SNS signs)."""
        s = self.settings
        found = ["ses"]
        if s.sendgrid_public_key:
            found.append("sendgrid")
        if s.postmark_username and s.postmark_password:
            found.append("postmark")
        if s.mailgun_signing_key:
            found.append("mailgun")
        return found
