"""The REST API under ``/api/v1`` and the ESP bounce webhooks under ``/webhooks/`` (see
mailer/web/app.py and docs/api.md).

Every ``/api/v1`` route needs ``Authorization: Bearer <token>`` with the route's scope
(``mailer tokens add``); every refusal is JSON ``{"error": …, "field": …}``. The OpenAPI
document is at ``/api/v1/openapi.json``, a reference page at ``/api/v1/docs``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute, Match

from mailer import __version__
from mailer.config import Settings
from mailer.web.api import (
    approaches,
    bounces,
    campaigns,
    docs,
    imports,
    issues,
    lists,
    stats,
    subscribers,
    webhooks,
)
from mailer.web.api.auth import PREFIX as PREFIX
from mailer.web.api.errors import ERRORS, answer, error_json
from mailer.web.faces import Face

OPENAPI_URL = f"{PREFIX}/openapi.json"
VERSION = __version__
DESCRIPTION = (
    "The REST API of mailer: subscribers (search by segment, create, change, erase, import), "
    "lists, campaigns (state, status, preview, pause/resume/cancel), issues (read, create, save "
    "with `If-Match`, history, campaign.toml), approaches (the library issues pick from, the "
    "same revision rules), bounces and stats, under "
    f"`{PREFIX}`, each route needing a token with its scope (`Authorization: Bearer mlr_…`, "
    'made with `mailer tokens add`). Errors are JSON `{"error": …, "field": …}`. The ESP '
    "bounce webhooks are under `/webhooks/`. See docs/api.md."
)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


# built once, shared by every app: the /api/v1 parts and the reference page
_API = APIRouter()
# imports before subscribers: /subscribers/import is not the subscriber "import"
_PARTS = (imports, subscribers, lists, campaigns, issues, approaches, bounces, stats)
for _part in _PARTS:
    _API.include_router(_part.router)
_API.include_router(docs.router)


def routes(settings: Settings) -> list[BaseRoute]:
    """The API's routes, with the webhooks ``settings`` configure; last, the JSON 404/405 for
    any other path under /api/v1 or /webhooks."""
    return [*_API.routes, *webhooks.routes(settings.webhooks), *_UNKNOWN.routes]


def _ours(route: BaseRoute) -> bool:
    return any(route is ours for ours in _API.routes) or webhooks.owns(route)


def _unknown(request: Request) -> JSONResponse:
    """Any other path under /api/v1 or /webhooks: 404 (405 for a known path), as JSON."""
    known = [route for route in request.app.routes if _ours(route)]
    allowed = [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in known
        )
    ]
    if allowed:
        response = error_json(
            405, f"{request.method} is not allowed here; use {', '.join(allowed)}"
        )
        response.headers["Allow"] = ", ".join(allowed)
        return response
    return error_json(404, f"no such endpoint: {request.url.path}; see {PREFIX}/docs")


_UNKNOWN = APIRouter(include_in_schema=False)
for _base in (PREFIX, "/webhooks"):
    _UNKNOWN.add_api_route(f"{_base}/{{rest:path}}", _unknown, methods=METHODS)

FACE = Face(
    name="API",
    routes=(
        *(route for part in _PARTS for route in part.router.routes),
        *docs.router.routes,
        *webhooks.router.routes,
        *_UNKNOWN.routes,
    ),
    headers={},
    errors=ERRORS,
    answer=answer,
)
