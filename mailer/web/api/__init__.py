"""The REST API under ``/api/v1`` and the ESP bounce webhooks under ``/webhooks/`` (see
mailer/web/app.py and docs/api.md).

Every ``/api/v1`` route needs ``Authorization: Bearer <token>`` with the route's scope
(``mailer tokens add``); every refusal is JSON ``{"error": …, "field": …}``. The OpenAPI
document is at ``/api/v1/openapi.json``, a reference page at ``/api/v1/docs``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.routing import Match

from mailer import __version__
from mailer.app import App
from mailer.web.api import (
    bounces,
    campaigns,
    docs,
    imports,
    lists,
    stats,
    subscribers,
    webhooks,
)
from mailer.web.api.auth import Guard
from mailer.web.api.errors import error_json

PREFIX = "/api/v1"
OPENAPI_URL = f"{PREFIX}/openapi.json"
VERSION = __version__
DESCRIPTION = (
    "The REST API of mailer: subscribers (search by segment, create, change, erase, import), "
    "lists, campaigns (state, status, preview, pause/resume/cancel), bounces and stats, under "
    f"`{PREFIX}`, each route needing a token with its scope (`Authorization: Bearer mlr_…`, "
    'made with `mailer tokens add`). Errors are JSON `{"error": …, "field": …}`. The ESP '
    "bounce webhooks are under `/webhooks/`. See docs/api.md."
)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def router(app: App) -> APIRouter:
    """Routes of this part, bound to app."""
    guard = Guard(app)
    api = APIRouter()
    # imports before subscribers: /subscribers/import is not the subscriber "import"
    for part in (imports, subscribers, lists, campaigns, bounces, stats):
        api.include_router(part.routes(app, guard), prefix=PREFIX)
    api.include_router(docs.routes(PREFIX))
    api.include_router(webhooks.routes(app))
    api.include_router(_unknown(api))  # last: only what nothing else matched
    return api


def _unknown(api: APIRouter) -> APIRouter:
    """Any other path under /api/v1 or /webhooks: 404 (405 for a known path), as JSON."""
    router = APIRouter(include_in_schema=False)

    known = list(api.routes)  # before this router joins them

    async def unknown(request: Request) -> JSONResponse:
        allowed = [
            method
            for method in METHODS
            if any(
                route.matches({**request.scope, "method": method})[0] == Match.FULL
                for route in known
            )
        ]
        if allowed:
            response = error_json(
                405, f"{request.method} is not allowed here; use {', '.join(allowed)}"
            )
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return error_json(404, f"no such endpoint: {request.url.path}; see {PREFIX}/docs")

    for base in (PREFIX, "/webhooks"):
        router.add_api_route(f"{base}/{{rest:path}}", unknown, methods=METHODS)
    return router
