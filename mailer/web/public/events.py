"""``/events/<slug>/<item>.ics?lang=``: an event of an issue as an iCalendar file, the same
for every reader (no personal data), linked from the mail's "Add to calendar". A draft, an
unknown issue or an item that is not an event is a 404 (``mailer.issues.calendars``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mailer.errors import NotFound
from mailer.issues.calendars import event_calendar
from mailer.web.public.site import PublicSiteDep

router = APIRouter()


@router.get("/events/{slug}/{item}.ics")
def calendar(slug: str, item: str, request: Request, site: PublicSiteDep) -> Response:
    language = (request.query_params.get("lang") or "")[:35]
    try:
        found = event_calendar(
            site.app.issue_desk(),
            slug,
            item,
            language=language,
            base_url=site.app.settings.web.base_url,
        )
    except NotFound:
        return Response("no such event\n", status_code=404, media_type="text/plain")
    headers = {
        "Cache-Control": "public, max-age=300",
        "ETag": found.etag,
        "Content-Disposition": f'attachment; filename="{found.filename}"',
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=304, headers=headers)
    return Response(found.data, media_type="text/calendar; charset=utf-8", headers=headers)
