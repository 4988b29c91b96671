"""The FastAPI application ``mailer serve`` runs.

Each part is a router bound to the ``App``: public pages (``web/public``), the REST API and
the bounce webhooks (``web/api``), the staff UI (``web/staff``), open/click tracking
(``web/tracking``); ``/healthz`` and ``/metrics`` are here. Every request passes the body guard
first (``web/bodies.py``): forms take at most ``web.max_form_bytes`` and no multipart, uploads
``web.max_upload_bytes``; a refused body is never read.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from mailer.app import App
from mailer.config import Settings, is_loopback
from mailer.errors import MailerError
from mailer.web import api, public, staff, tracking
from mailer.web.bodies import BodyGuard, BodyRule
from mailer.web.metrics import refusal, render_metrics
from mailer.web.public.site import PublicSite
from mailer.web.staff.site import PREFIX as STAFF
from mailer.web.staff.site import UPLOADS, Site
from mailer.web.uploads import upload_cap

log = logging.getLogger(__name__)

PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
STATIC = Path(__file__).parent / "static"  # CSS and the little JS there is; no build step


def create_app(app: App) -> FastAPI:
    web = FastAPI(
        title="mailer",
        version=api.VERSION,
        description=api.DESCRIPTION,
        openapi_url=api.OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
    )
    public_site, staff_site = PublicSite(app), Site(app)
    web.include_router(public.router(public_site))
    web.include_router(api.router(app))
    web.include_router(staff.router(staff_site))
    web.include_router(tracking.router(app))
    web.mount("/static", StaticFiles(directory=STATIC), name="static")

    def refuse(request: Request, status: int) -> Response:
        path = request.url.path
        if path == STAFF or path.startswith(f"{STAFF}/"):
            return staff_site.body_refused(request, status)
        return public_site.body_refused(request, status)

    form = BodyRule(app.settings.web.max_form_bytes)
    web.add_middleware(BodyGuard, rules=body_rules(app.settings), default=form, refuse=refuse)

    @web.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 when the database answers, 503 otherwise."""
        try:
            await asyncio.to_thread(app.database.ping)
        except MailerError as exc:  # the reason is for the operator's log, not for any caller
            log.error("healthz: %s", exc)
            body = {"status": "unavailable", "database": "storage unavailable"}
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    token = app.settings.web.metrics_token
    if not token and not is_loopback(app.settings.web.listen.rpartition(":")[0]):
        log.warning(
            "web.listen %s is not loopback and web.metrics_token is empty: /metrics answers "
            "only requests from this machine (404 to others); set web.metrics_token for a "
            "remote scraper",
            app.settings.web.listen,
        )

    @web.get("/metrics")
    async def metrics(request: Request) -> Response:
        refused = refusal(request, token)
        if refused is not None:
            return refused
        text = await asyncio.to_thread(render_metrics, app)
        return PlainTextResponse(text, media_type=PROMETHEUS)

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
