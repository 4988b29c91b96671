"""Why a webhook request was refused; ``mailer.web`` maps each class to an HTTP status.

Messages say what was wrong and never echo a secret, a signature or a credential.
"""

from __future__ import annotations

from mailer.errors import MailerError


class WebhookError(MailerError):
    """A webhook request could not be accepted; ``provider`` names who (claims to have) sent it."""

    def __init__(self, provider: str, message: str) -> None:
        self.provider = provider
        self.message = message
        super().__init__(f"{provider} webhook: {message}")


class WebhookAuthError(WebhookError):
    """Not proven to come from the provider: bad or missing signature or credentials, a stale
    timestamp, a replayed token, a certificate URL or topic that is not allowed (401/403)."""


class WebhookPayloadError(WebhookError):
    """The body cannot be read as the provider's documented format (400)."""


class WebhookTooLarge(WebhookPayloadError):
    """The body is over the size cap, or holds more events than allowed (413)."""


class CertificateUnavailable(WebhookError):
    """The SNS signing certificate could not be fetched; SNS retries, so answer 5xx."""
