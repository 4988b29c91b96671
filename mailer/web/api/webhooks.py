"""``POST /webhooks/{ses,sendgrid,postmark,mailgun}``: ESP bounce and complaint webhooks.

One route per provider of ``mailer.bounces.webhooks.PROVIDERS``, and only when it is configured
(``WebhookIntake.providers``: SES needs ``webhooks.ses_topic_arns``); any other ``/webhooks/``
path is a 404. No API token: each provider proves itself (SNS and SendGrid signatures,
Mailgun's HMAC, Postmark's Basic credentials), checked by ``WebhookIntake``. The body guard caps
the body at ``webhooks.max_body_bytes`` before it is read whole. Statuses: 200 recorded (or
nothing to record, or a repeat ignored), 400 unreadable body, 401 bad Postmark credentials, 403
bad or stale signature or a topic not allowed, 413 too large, 503 storage or SNS certificate
unavailable (the provider retries).
"""

from __future__ import annotations

import asyncio
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.routing import BaseRoute

from mailer.bounces.webhook_intake import WebhookIntake
from mailer.bounces.webhooks import (
    PROVIDERS,
    Auth,
    Provider,
    WebhookAuthError,
    WebhookError,
    WebhookPayloadError,
    WebhookTooLarge,
    check_sns_url,
)
from mailer.bounces.webhooks import (
    configured as webhooks_configured,
)
from mailer.config import WebhooksSettings
from mailer.errors import ConfigError, StorageError
from mailer.web.api.errors import ErrorBody, error_json

log = logging.getLogger(__name__)


class WebhookResult(BaseModel):
    provider: str
    recorded: int = Field(description="Bounce and complaint events recorded.")
    actions: list[str] = Field(description="What the bounce policy did for each.")
    subscription_confirmed: bool | None = Field(
        None, description="SES only: whether the SNS subscription was confirmed."
    )
    duplicate: bool = Field(
        False, description="SES only: this SNS message was recorded before; nothing was done."
    )


def _refusal(provider: Provider, exc: Exception) -> JSONResponse:
    if isinstance(exc, WebhookTooLarge):
        return error_json(413, str(exc))
    if isinstance(exc, WebhookAuthError):
        if provider.auth == Auth.BASIC:  # ask for the credentials again
            response = error_json(401, str(exc))
            response.headers["WWW-Authenticate"] = 'Basic realm="mailer webhooks"'
            return response
        return error_json(403, str(exc))
    if isinstance(exc, WebhookPayloadError):
        return error_json(400, str(exc))
    log.error("%s webhook: %s", provider.name, exc)  # our side: the provider will retry
    return error_json(503, f"{provider.name} webhook: cannot record now; try again later")


def confirm_sns(url: str, *, timeout: float = 5.0) -> bool:
    """Visit an SNS SubscribeURL (already checked to be https on an SNS host) to confirm."""
    try:
        check_sns_url(url, certificate=False)
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (https, SNS)
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError, WebhookError) as exc:
        log.warning("ses webhook: could not confirm the SNS subscription (%s); open %s", exc, url)
        return False


DOCUMENTED: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": meaning}
    for status, meaning in {
        400: "The body is not the provider's format.",
        401: "Postmark: wrong or missing Basic credentials.",
        403: "The signature is missing, wrong or stale, or the request was replayed.",
        413: "The body is over `webhooks.max_body_bytes`.",
        503: "Cannot record now (database, SNS certificate); the provider retries.",
    }.items()
}


def webhook_intake(request: Request) -> WebhookIntake:
    """The app's one intake (so Mailgun's replay guard remembers across requests)."""
    intake = request.app.state.webhook_intake
    assert isinstance(intake, WebhookIntake), "create_app sets state.webhook_intake"
    return intake


def record(
    intake: WebhookIntake, provider: str, body: bytes, headers: Mapping[str, str]
) -> WebhookResult:
    """What ``WebhookIntake.receive`` did, confirming an SNS subscription it asked for."""
    received = intake.receive(provider, body, headers)
    confirmed = None
    subscription = received.subscription
    if subscription is not None and subscription.type == "SubscriptionConfirmation":
        confirmed = confirm_sns(subscription.subscribe_url)
    elif subscription is not None:
        log.warning("ses webhook: SNS topic %s ended its subscription", subscription.topic_arn)
    return WebhookResult(
        provider=provider,
        recorded=received.recorded,
        actions=list(received.actions),
        subscription_confirmed=confirmed,
        duplicate=received.duplicate,
    )


router = APIRouter(tags=["webhooks"])


def _add(provider: Provider) -> None:
    @router.post(
        f"/webhooks/{provider.name}",
        response_model=WebhookResult,
        responses=DOCUMENTED,
        name=f"webhook_{provider.name}",
        summary=f"{provider.name} bounce and complaint webhook",
        description=f"Set up with {provider.setup}; see docs/api.md. No API token.",
        openapi_extra={"requestBody": {"content": {"application/json": {"schema": {}}}}},
    )
    async def receive(request: Request) -> Any:
        body = await request.body()
        intake = webhook_intake(request)
        try:
            return await asyncio.to_thread(record, intake, provider.name, body, request.headers)
        except (WebhookError, ConfigError, StorageError) as exc:
            return _refusal(provider, exc)


for _provider in PROVIDERS:
    _add(_provider)
_ROUTES = dict(zip((p.name for p in PROVIDERS), router.routes, strict=True))


def owns(route: BaseRoute) -> bool:
    return any(route is ours for ours in _ROUTES.values())


def routes(settings: WebhooksSettings) -> list[BaseRoute]:
    """The routes of the providers ``settings`` configure; the others are logged as off."""
    configured = webhooks_configured(settings)
    off = [f"{p.name} (set {p.setup})" for p in PROVIDERS if p not in configured]
    if off:
        log.info("bounce webhooks not configured, so not served: %s", "; ".join(off))
    return [_ROUTES[provider.name] for provider in configured]
