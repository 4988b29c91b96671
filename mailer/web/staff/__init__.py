"""The staff UI (see mailer/web/app.py and docs/staff-ui.md): server-rendered pages under
``/staff/`` for comms staff. Every page but ``/staff/login`` needs a signed-in session."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from mailer.web.staff import (
    auth,
    bounces,
    campaign_actions,
    campaigns,
    dashboard,
    imports,
    outbox,
    previews,
    subscribers,
)
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import PREFIX, Site

PARTS = (
    auth,
    dashboard,
    campaigns,
    previews,
    campaign_actions,
    imports,
    subscribers,
    bounces,
    outbox,
)


def router(site: Site) -> APIRouter:
    """Routes of this part, bound to the site's app."""
    staff = APIRouter()
    for part in PARTS:
        staff.include_router(part.routes(site))
    staff.include_router(_not_found(site))  # last: only what nothing else matched
    return staff


def _not_found(site: Site) -> APIRouter:
    """Any other path under /staff/: the login page when signed out, else a 404 page."""
    router = APIRouter(route_class=site.route_class())

    @router.get(f"{PREFIX}/{{rest:path}}", include_in_schema=False)
    def unknown(request: Request, session: SignedIn) -> Response:
        return site.error(request, 404, site.strings["errors"]["not_found"])

    return router
