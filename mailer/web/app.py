"""The FastAPI application ``mailer serve`` runs.

Each part is a router, built once at import and shared by every app: public pages
(``web/public``), the REST API and the bounce webhooks (``web/api``; a webhook only when
configured), the staff UI (``web/staff``), open/click tracking (``web/tracking``); ``/healthz``
and ``/metrics`` are here. A route reaches its ``App`` through the request
(``web/context.py``); each face answers errors with its one handler and adds its security
headers (``web/faces.py``).

Before any route, an API request's token is checked (``TokenGate``, web/api/auth.py), then
every request passes the body guard (``web/bodies.py``): forms take at most
``web.max_form_bytes`` and no multipart, uploads ``web.max_upload_bytes``, API bodies 1 MiB,
webhooks ``webhooks.max_body_bytes``; a refused body is never read.
"""

from __future__ import annotations

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
from mailer.web.api.auth import TokenGate
from mailer.web.api.errors import JSON_MAX_BYTES, refused_body
from mailer.web.bodies import BodyGuard, BodyRule
from mailer.web.context import AppDep
from mailer.web.faces import install
from mailer.web.metrics import refusal, render_metrics
from mailer.web.public.site import PublicSite
from mailer.web.staff.editor_images import IMAGE_UPLOADS
from mailer.web.staff.issue_translations import MAX_FILE_BYTES as TRANSLATION_FILE_BYTES
from mailer.web.staff.issue_translations import TRANSLATION_UPLOADS
from mailer.web.staff.library_translations import LIBRARY_TRANSLATION_UPLOADS
from mailer.web.staff.site import PREFIX as STAFF
from mailer.web.staff.site import UPLOADS, Site
from mailer.web.uploads import upload_cap

log = logging.getLogger(__name__)

PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
FACES = (public.FACE, staff.FACE, api.FACE)
API_PATHS = ("/api/", "/webhooks/")  # bodies refused there are answered in JSON
# an issue is at most 1 MB of campaign.toml; percent-encoded Georgian takes 3 bytes a byte
EDITOR_FORM_BYTES = 4 * 1024 * 1024
# read up to 12 MB, so a 10 MB photo gets the editor's own message ("at most 5 MB"), not a 413
IMAGE_UPLOAD_BYTES = 12 * 1024 * 1024
STATIC = Path(__file__).parent / "static"  # CSS and the little JS there is; no build step


# what every app serves besides its faces' routers, built once like them
_OPERATIONS = APIRouter()


@_OPERATIONS.get("/healthz")
def healthz(app: AppDep) -> JSONResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        app.database.ping()
    except MailerError as exc:  # the reason is for the operator's log, not for any caller
        log.error("healthz: %s", exc)
        body = {"status": "unavailable", "database": "storage unavailable"}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@_OPERATIONS.get("/metrics")
def metrics(request: Request, app: AppDep) -> Response:
    refused = refusal(request, app.settings.web.metrics_token)
    if refused is not None:
        return refused
    text = render_metrics(app)
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
    install(web, FACES)

    def refuse(request: Request, status: int, max_bytes: int) -> Response:
        path = request.url.path
        if path.startswith(API_PATHS):
            return refused_body(status, max_bytes)
        if path == STAFF or path.startswith(f"{STAFF}/"):
            return staff_site.body_refused(request, status, max_bytes)
        return public_site.body_refused(request, status, max_bytes)

    form = BodyRule(app.settings.web.max_form_bytes)
    web.add_middleware(BodyGuard, rules=body_rules(app.settings), default=form, refuse=refuse)
    web.add_middleware(TokenGate, mailer=app, routes=api.FACE.routes)  # before the body guard

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
    apply: uploads, the API's JSON, the webhooks, the one-click unsubscribe."""
    form, upload = settings.web.max_form_bytes, upload_cap(settings)
    return [
        (f"{api.PREFIX}/subscribers/import", BodyRule(upload, multipart=True)),
        ("/api/", BodyRule(JSON_MAX_BYTES, multipart=True)),  # a multipart body is a 422 there
        ("/webhooks/", BodyRule(settings.webhooks.max_body_bytes, multipart=True)),
        (UPLOADS, BodyRule(upload, multipart=True)),
        (IMAGE_UPLOADS, BodyRule(IMAGE_UPLOAD_BYTES, multipart=True)),
        (TRANSLATION_UPLOADS, BodyRule(TRANSLATION_FILE_BYTES + 64 * 1024, multipart=True)),
        (LIBRARY_TRANSLATION_UPLOADS, BodyRule(TRANSLATION_FILE_BYTES + 64 * 1024, multipart=True)),
        (f"{STAFF}/issues/", BodyRule(EDITOR_FORM_BYTES)),  # an issue, percent-encoded
        ("/u/", BodyRule(form, multipart=True)),  # RFC 8058: one-click POSTs may be multipart
    ]
