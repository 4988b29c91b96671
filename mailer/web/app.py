"""The FastAPI application ``mailer serve`` runs.

Each part is a router, built once at import and shared by every app: public pages
(``web/public``), the REST API and the bounce webhooks (``web/api``; a webhook only when
configured), the staff UI (``web/staff``), open/click tracking (``web/tracking``); ``/healthz``
and ``/metrics`` are here. A route reaches its ``App`` through the request
(``web/context.py``). Every request passes the body guard
first (``web/bodies.py``): forms take at most ``web.max_form_bytes`` and no multipart, uploads
``web.max_upload_bytes``; a refused body is never read.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute, Mount

from mailer.app import App
from mailer.config import Settings, is_loopback
from mailer.errors import MailerError
from mailer.web import api, public, staff, tracking
from mailer.web.bodies import BodyGuard, BodyRule
from mailer.web.context import AppDep
from mailer.web.metrics import refusal, render_metrics
from mailer.web.public.site import PublicSite
from mailer.web.staff.site import PREFIX as STAFF
from mailer.web.staff.site import UPLOADS, Site
from mailer.web.uploads import upload_cap

log = logging.getLogger(__name__)

PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
STATIC = Path(__file__).parent / "static"  # CSS and the little JS there is; no build step


# what every app serves besides its faces' routers, built once like them
_OPERATIONS = APIRouter()


@_OPERATIONS.get("/healthz")
async def healthz(app: AppDep) -> JSONResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        await asyncio.to_thread(app.database.ping)
    except MailerError as exc:  # the reason is for the operator's log, not for any caller
        log.error("healthz: %s", exc)
        body = {"status": "unavailable", "database": "storage unavailable"}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@_OPERATIONS.get("/metrics")
async def metrics(request: Request, app: AppDep) -> Response:
    refused = refusal(request, app.settings.web.metrics_token)
    if refused is not None:
        return refused
    text = await asyncio.to_thread(render_metrics, app)
    return PlainTextResponse(text, media_type=PROMETHEUS)


_STATIC = Mount("/static", app=StaticFiles(directory=STATIC), name="static")


def routes(settings: Settings) -> list[BaseRoute]:
    """Every route of an app with these settings: the faces' routers, shared by every app,
    and the webhooks these settings configure."""
    return [
        *public.router.routes,
        *api.routes(settings),
        *staff.router.routes,
        *tracking.router.routes,
        _STATIC,
        *_OPERATIONS.routes,
    ]


def create_app(app: App) -> FastAPI:
    """The web application serving ``app``. Cheap: the routes are built once, at import, and
    reach ``app`` through ``request.app.state`` (``mailer/web/context.py``)."""
    web = FastAPI(
        title="mailer",
        version=api.VERSION,
        description=api.DESCRIPTION,
        openapi_url=api.OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
    )
    web.router.routes.extend(routes(app.settings))  # after FastAPI's own openapi.json
    public_site, staff_site = PublicSite(app), Site(app)
    web.state.mailer = app
    web.state.public_site = public_site
    web.state.staff_site = staff_site
    web.state.webhook_intake = app.webhook_intake()  # one, so Mailgun's replay guard remembers

    def refuse(request: Request, status: int) -> Response:
        path = request.url.path
        if path == STAFF or path.startswith(f"{STAFF}/"):
            return staff_site.body_refused(request, status)
        return public_site.body_refused(request, status)

    form = BodyRule(app.settings.web.max_form_bytes)
    web.add_middleware(BodyGuard, rules=body_rules(app.settings), default=form, refuse=refuse)

    token = app.settings.web.metrics_token
    if not token and not is_loopback(app.settings.web.listen.rpartition(":")[0]):
        log.warning(
            "web.listen %s is not loopback and web.metrics_token is empty: /metrics answers "
            "only requests from this machine (404 to others); set web.metrics_token for a "
            "remote scraper",
            app.settings.web.listen,
        )
    return web


def body_rules(settings: Settings) -> list[tuple[str, BodyRule | None]]:
    """Where the body guard's default (a form: ``web.max_form_bytes``, no multipart) does not
    apply. The API and the webhooks cap bodies in their own route class (the API after the
    token check), so they have no rule here."""
    form = settings.web.max_form_bytes
    return [
        ("/api/", None),
        ("/webhooks/", None),
        (UPLOADS, BodyRule(upload_cap(settings), multipart=True)),
        ("/u/", BodyRule(form, multipart=True)),  # RFC 8058: one-click POSTs may be multipart
    ]
