"""What a webhook provider declares, once, in its own module: its name, the settings it needs,
how to set it up, how its requests prove themselves, and its parser.

``mailer.bounces.webhooks.PROVIDERS`` lists them. The web routes (one per configured provider),
``WebhookIntake`` and ``configured()`` are all built from that list, so a new provider is one
module here and one line there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from mailer.config import WebhooksSettings

if TYPE_CHECKING:  # the provider modules import this one
    from mailer.bounces.webhooks.events import WebhookEvent
    from mailer.bounces.webhooks.mailgun import ReplayGuard
    from mailer.bounces.webhooks.ses import CertLoader, SnsSubscription


class Auth(StrEnum):
    """How a provider's request proves where it came from, and so how a refusal is answered."""

    SIGNATURE = "signature"  # a signature or HMAC over the request: refused with 403
    BASIC = "basic"  # HTTP Basic credentials: refused with 401 and a Basic challenge


@dataclass(frozen=True)
class Verifying:
    """What a parser may need besides the request and the settings."""

    now: datetime  # aware UTC
    cert_loader: CertLoader  # SNS signing certificates
    replay_guard: ReplayGuard  # tokens seen before (Mailgun)


# (body, headers, settings, verifying) -> the events, or an SNS subscription message
Parser = Callable[
    [bytes, Mapping[str, str], WebhooksSettings, Verifying], "list[WebhookEvent] | SnsSubscription"
]


@dataclass(frozen=True)
class Provider:
    name: str  # the route is /webhooks/<name>; events are recorded with this source
    settings: tuple[str, ...]  # the ``webhooks.*`` keys it needs, every one set
    setup: str  # what to set, for the log and the route's documentation
    auth: Auth
    parse: Parser  # verifies the request and returns its events; raises a ``WebhookError``
    # when filling in ``settings`` is not enough (SES: at least one topic in the list)
    ready: Callable[[WebhooksSettings], bool] | None = None

    def configured(self, settings: WebhooksSettings) -> bool:
        """Whether ``settings`` fill in what this provider needs (else it has no route)."""
        if self.ready is not None:
            return self.ready(settings)
        return all(getattr(settings, key) for key in self.settings)
