"""Open and click tracking routes: ``/t/o/<token>.gif`` and ``/t/c/<token>``.

Recording an event on a GET is the accepted exception to "GET never changes state": it
changes no subscriber state. The pixel always answers with the same transparent GIF, even
for a bad token (a pixel never shows an error); a bad click token (tampered, made for
another purpose, or naming no delivery) gets one generic 404 page, whatever the fault.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mailer.campaigns import tracking
from mailer.core.tracking import PIXEL
from mailer.errors import MailerError
from mailer.web.context import AppDep

log = logging.getLogger(__name__)
INVALID_PAGE = (Path(__file__).parent / "templates" / "tracking" / "invalid.html").read_text()
NO_STORE = {"Cache-Control": "no-store, private", "X-Content-Type-Options": "nosniff"}
PAGE_HEADERS = {
    **NO_STORE,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
}


router = APIRouter(include_in_schema=False)  # built once, shared by every app


@router.get("/t/o/{token}.gif")
def open_pixel(token: str, app: AppDep) -> Response:
    """Record an open (valid token, tracking on) and answer the 43-byte transparent GIF."""
    try:
        tracking.record_open(app.database, app.token_keys(), token, now=app.clock())
    except MailerError as exc:  # the pixel still shows: a lost open is not worth an error
        log.warning("open not recorded: %s", exc)
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


@router.get("/t/c/{token}")
def click(token: str, app: AppDep) -> Response:
    """Record a click and redirect (302) to the link looked up from the campaign."""
    destination = tracking.follow_click(
        app.database,
        app.token_keys(),
        token,
        website=app.settings.organisation.website,
        now=app.clock(),
    )
    if destination is None:
        return HTMLResponse(INVALID_PAGE, status_code=404, headers=PAGE_HEADERS)
    return RedirectResponse(destination, status_code=302, headers=NO_STORE)
