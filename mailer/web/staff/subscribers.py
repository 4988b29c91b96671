"""``/staff/subscribers``: filtered by segment, list and status, a page at a time; one person's
page; CSV export of the same filter. Import is in ``imports.py``."""

from __future__ import annotations

import io
import tempfile
from typing import IO, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from mailer.core.subscribers import STATUSES
from mailer.errors import InvalidValue, MailerError, NotFound, SegmentSyntaxError
from mailer.subscriptions import browse
from mailer.subscriptions.export import export
from mailer.subscriptions.lists import list_lists
from mailer.web.staff.people import person_page
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep, sentence

PAGE_SIZE = 50
CHUNK = 64 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # larger exports go to a temporary file


def _export_file(site: Site, chosen: dict[str, Any], *, bom: bool = False) -> IO[bytes]:
    """The CSV (formula cells neutralised by the exporter), rewound, in a temporary file."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (streamed, closed after)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    try:
        export(site.app.database, text, fmt="csv", bom=bom, **chosen)
        text.flush()
    except BaseException:
        spool.close()
        raise
    text.detach()
    spool.seek(0)
    return spool


def _filters(request: Request) -> dict[str, str]:
    query = request.query_params
    return {name: query.get(name, "").strip() for name in ("segment", "list", "status")}


def _chosen(filters: dict[str, str]) -> dict[str, Any]:
    return {
        "segment": filters["segment"] or None,
        "list_name": filters["list"] or None,
        "status": filters["status"] or None,
    }


router = APIRouter()


@router.get(f"{PREFIX}/subscribers")
def subscriber_list(
    request: Request, session: SignedIn, page: int = 1, *, site: SiteDep
) -> Response:
    database = site.app.database
    filters = _filters(request)
    context: dict[str, Any] = {
        "session": session,
        "filters": filters,
        "statuses": STATUSES,
        "lists": list_lists(database),
        "found": None,
        "segment_error": None,
        "error": "",
    }
    try:
        context["found"] = browse.subscriber_page(
            database, **_chosen(filters), number=page, size=PAGE_SIZE
        )
    except SegmentSyntaxError as exc:
        context["segment_error"] = exc
        return site.page("subscribers.html.j2", status=400, **context)
    except (NotFound, InvalidValue) as exc:
        context["error"] = sentence(exc)
        return site.page("subscribers.html.j2", status=400, **context)
    return site.page("subscribers.html.j2", **context)


@router.get(f"{PREFIX}/subscribers/export.csv")
def export_csv(request: Request, session: SignedIn, site: SiteDep) -> Response:
    try:
        excel = request.query_params.get("excel") == "yes"  # UTF-8 with a byte-order mark
        spool = _export_file(site, _chosen(_filters(request)), bom=excel)
    except MailerError as exc:
        return site.error(request, 400, sentence(exc), back=f"{PREFIX}/subscribers")
    return StreamingResponse(
        iter(lambda: spool.read(CHUNK), b""),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="subscribers.csv"'},
        background=BackgroundTask(spool.close),
    )


@router.get(f"{PREFIX}/subscribers/person")
def person(request: Request, session: SignedIn, email: str = "", *, site: SiteDep) -> Response:
    return person_page(site, request, email)
