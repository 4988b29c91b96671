"""The FastAPI application ``mailer serve`` runs.

Each part is a router bound to the ``App``: public pages (``web/public``), the REST API and
the bounce webhooks (``web/api``), the staff UI (``web/staff``), open/click tracking
(``web/tracking``); ``/healthz`` and ``/metrics`` are here.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from mailer.app import App
from mailer.config import is_loopback
from mailer.errors import MailerError
from mailer.web import api, public, staff, tracking
from mailer.web.metrics import refusal, render_metrics

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
    for part in (public, api, staff, tracking):
        web.include_router(part.router(app))
    web.mount("/static", StaticFiles(directory=STATIC), name="static")

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
