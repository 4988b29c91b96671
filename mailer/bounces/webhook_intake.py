"""ESP webhooks in: verify and parse (``webhooks``), then record through the same ingest.

Every provider is one entry of ``webhooks.PROVIDERS``. The web layer mounts a route only for
each provider in ``configured()`` and calls
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
from datetime import datetime

from mailer.bounces.ingest import Ingest
from mailer.bounces.webhooks import (
    PROVIDERS,
    CertLoader,
    Provider,
    ReplayCache,
    ReplayGuard,
    SnsCertificateCache,
    SnsSubscription,
    Verifying,
    WebhookEvent,
    WebhookPayloadError,
    configured,
    provider_named,
)
from mailer.config import WebhooksSettings


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
        found = provider_named(provider)
        if found is None:
            names = tuple(p.name for p in PROVIDERS)
            raise WebhookPayloadError(provider, f"unknown provider; expected one of {names}")
        verifying = Verifying(self.clock(), self.cert_loader, self.replay)
        return found.parse(body, headers, self.settings, verifying)

    def providers(self) -> list[Provider]:
        """The providers whose settings are filled in (SES needs at least one topic ARN)."""
        return configured(self.settings)

    def configured(self) -> list[str]:
        """The names of ``providers()``."""
        return [provider.name for provider in self.providers()]
