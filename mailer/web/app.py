"""The FastAPI application ``mailer serve`` runs: ``/healthz`` and ``/metrics`` for now."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse

from mailer.app import App
from mailer.errors import MailerError
from mailer.web.metrics import render_metrics

PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


def create_app(app: App) -> FastAPI:
    web = FastAPI(title="mailer", docs_url=None, redoc_url=None)

    @web.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 when the database answers, 503 otherwise."""
        try:
            await asyncio.to_thread(app.database.ping)
        except MailerError as exc:
            return JSONResponse({"status": "unavailable", "database": str(exc)}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @web.get("/metrics")
    async def metrics() -> PlainTextResponse:
        text = await asyncio.to_thread(render_metrics, app)
        return PlainTextResponse(text, media_type=PROMETHEUS)

    return web
