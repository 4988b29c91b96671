"""ESP webhooks in: verify and parse (``webhooks``), then record through the same ingest.

The web layer mounts a route only for each provider in ``configured()`` and calls
``WebhookIntake.receive`` (from a thread: SES may fetch its signing certificate); it maps
``WebhookAuthError`` to 401/403, ``WebhookTooLarge`` to 413, other ``WebhookPayloadError`` to
400, ``CertificateUnavailable`` to 503 so the provider retries.

A notification seen before (SNS ``MessageId``) is acknowledged and ignored. The ids are kept in
the database (``db.webhooks``), not in memory: several web processes may share one database
behind a load balancer and a retry can reach any of them, and the id is committed in the same
transaction as the events it brought, so no crash can record one without the other. The store
is bounded: a notification older than an hour is refused anyway, so ids are kept two hours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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
    subscription: SnsSubscription | None = None  # SNS asks to confirm (or ends) a subscription
    duplicate: bool = False  # a notification recorded before: acknowledged, ignored

    @property
    def subscribe_url(self) -> str | None:
        return None if self.subscription is None else self.subscription.subscribe_url


@dataclass
class WebhookIntake:
    ingest: Ingest
    settings: WebhooksSettings
    clock: Callable[[], datetime]  # aware UTC; the app's clock (``App.webhook_intake``)
    cert_loader: CertLoader = field(default_factory=SnsCertificateCache)
    replay: ReplayGuard = field(default_factory=ReplayCache)

    def receive(self, provider: str, body: bytes, headers: Mapping[str, str]) -> Received:
        """Verify, parse and record one request; raises a ``WebhookError`` on refusal."""
        parsed = self.parse(provider, body, headers)
        if isinstance(parsed, SnsSubscription):
            return Received(0, subscription=parsed)
        notification = next((e.notification_id for e in parsed if e.notification_id), None)
        actions = self.ingest.reported(parsed, source=provider, notification_id=notification)
        if actions is None:
            return Received(0, duplicate=True)
        return Received(len(actions), tuple(actions))

    def parse(
        self, provider: str, body: bytes, headers: Mapping[str, str]
    ) -> list[WebhookEvent] | SnsSubscription:
        s = self.settings
        now = self.clock()
        caps = {"max_bytes": s.max_body_bytes}
        tolerance = timedelta(seconds=s.tolerance_seconds)
        if provider == "ses":
            return parse_ses(
                body,
                headers,
                cert_loader=self.cert_loader,
                now=now,
                allowed_topics=self.ses_topics(),
                max_events=s.max_events,
                tolerance=tolerance,
                **caps,
            )
        if provider == "sendgrid":
            return parse_sendgrid(
                body,
                headers,
                public_key=s.sendgrid_public_key,
                now=now,
                tolerance=tolerance,
                max_events=s.max_events,
                **caps,
            )
        if provider == "postmark":
            return parse_postmark(
                body, headers, username=s.postmark_username, password=s.postmark_password, **caps
            )
        if provider == "mailgun":
            return parse_mailgun(
                body,
                headers,
                signing_key=s.mailgun_signing_key,
                now=now,
                replay_guard=self.replay,
                tolerance=tolerance,
                **caps,
            )
        raise WebhookPayloadError(provider, f"unknown provider; expected one of {PROVIDERS}")

    def ses_topics(self) -> list[str]:
        return [t.strip() for t in self.settings.ses_topic_arns.split(",") if t.strip()]

    def configured(self) -> list[str]:
        """The providers whose settings are filled in; SES needs at least one topic ARN (SNS
        signs every AWS customer's topics with the same certificates)."""
        s = self.settings
        found = ["ses"] if self.ses_topics() else []
        if s.sendgrid_public_key:
            found.append("sendgrid")
        if s.postmark_username and s.postmark_password:
            found.append("postmark")
        if s.mailgun_signing_key:
            found.append("mailgun")
        return found
