"""Bounce and complaint webhooks of four ESPs: verified, parsed, normalised.

``PROVIDERS`` is the one list of them (``provider.py`` says what each declares). Each
``parse_*`` takes the raw body (bytes) and the request headers, proves the request came
from the provider (a signature, or Basic credentials for Postmark), and returns the bounce,
delay and complaint events in it as ``WebhookEvent``; deliveries, opens and clicks are left
out. Nothing here does network I/O except ``SnsCertificateCache``, the default way to fetch
an SNS signing certificate. Refusals raise a ``WebhookError`` subclass; a missing or unusable
setting raises ``mailer.errors.ConfigError``.
"""

from __future__ import annotations

from mailer.bounces.webhooks import mailgun, postmark, sendgrid, ses
from mailer.bounces.webhooks.events import MAX_BODY_BYTES, MAX_EVENTS, WebhookEvent
from mailer.bounces.webhooks.mailgun import ReplayCache, ReplayGuard, parse_mailgun
from mailer.bounces.webhooks.postmark import check_basic_auth, parse_postmark
from mailer.bounces.webhooks.provider import Auth, Provider, Verifying
from mailer.bounces.webhooks.sendgrid import load_public_key, parse_sendgrid
from mailer.bounces.webhooks.ses import CertLoader, SnsSubscription, parse_ses
from mailer.config import WebhooksSettings
from mailer.errors import (
    CertificateUnavailable,
    WebhookAuthError,
    WebhookError,
    WebhookPayloadError,
    WebhookTooLarge,
)
from mailer.sns.certificates import SnsCertificateCache, check_sns_url

PROVIDERS: tuple[Provider, ...] = (ses.WEBHOOK, sendgrid.WEBHOOK, postmark.WEBHOOK, mailgun.WEBHOOK)


def provider_named(name: str) -> Provider | None:
    return next((provider for provider in PROVIDERS if provider.name == name), None)


def configured(settings: WebhooksSettings) -> list[Provider]:
    """The providers whose settings are filled in: only these get a route."""
    return [provider for provider in PROVIDERS if provider.configured(settings)]


__all__ = [
    "MAX_BODY_BYTES",
    "MAX_EVENTS",
    "PROVIDERS",
    "Auth",
    "CertLoader",
    "CertificateUnavailable",
    "Provider",
    "ReplayCache",
    "ReplayGuard",
    "SnsCertificateCache",
    "SnsSubscription",
    "Verifying",
    "WebhookAuthError",
    "WebhookError",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookTooLarge",
    "check_basic_auth",
    "check_sns_url",
    "configured",
    "load_public_key",
    "parse_mailgun",
    "parse_postmark",
    "parse_sendgrid",
    "parse_ses",
    "provider_named",
]
