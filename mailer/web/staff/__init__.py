"""The staff UI (see mailer/web/app.py and docs/staff-ui.md): server-rendered pages under
``/staff/`` for comms staff. Every page but ``/staff/login`` needs a signed-in session."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from mailer.web.faces import Face
from mailer.web.staff import (
    approach_editor,
    approach_history,
    audience,
    auth,
    bounces,
    campaign_actions,
    campaigns,
    dashboard,
    editor,
    editor_drawer,
    editor_images,
    editor_library,
    editor_preview,
    imports,
    issue_history,
    issue_preview,
    issue_review,
    issue_translations,
    issues,
    library,
    library_translations,
    outbox,
    people,
    previews,
    report,
    schedule,
    subscribers,
    vocabulary,
)
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import ERRORS, HEADERS, PREFIX, SiteDep, answer

PARTS = (
    auth,
    library,
    library_translations,
    approach_editor,
    approach_history,
    dashboard,
    schedule,
    campaigns,
    issues,
    issue_review,
    issue_history,
    issue_translations,
    issue_preview,
    previews,
    campaign_actions,
    report,
    imports,
    subscribers,
    people,
    audience,
    bounces,
    outbox,
    vocabulary,
    editor_images,
    editor_drawer,
    editor_library,
    editor,
    editor_preview,
)


_NOT_FOUND = APIRouter()


@_NOT_FOUND.get(f"{PREFIX}/{{rest:path}}", include_in_schema=False)
def unknown(request: Request, session: SignedIn, site: SiteDep) -> Response:
    """Any other path under /staff/: the login page when signed out, else a 404 page."""
    return site.error(request, 404, site.words(request)["errors"]["not_found"])


router = APIRouter()  # built once, shared by every app
for _part in PARTS:
    router.include_router(_part.router)
router.include_router(_NOT_FOUND)  # last: only what nothing else matched

FACE = Face(
    name="staff pages",
    routes=(*(route for part in PARTS for route in part.router.routes), *_NOT_FOUND.routes),
    headers=HEADERS,
    errors=ERRORS,
    answer=answer,
)
