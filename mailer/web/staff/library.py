"""``/staff/approaches``: the approaches library (docs/approaches.md, "For staff"). Search in
any language, filters by country, interest, organisation, language completeness, state, kind
and "never featured"; each approach shows where it was used (the issue, its state, the date,
how many recipients got it). All of it is one use case, ``mailer.issues.catalogue``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from mailer.core.library_search import LibraryFilter
from mailer.issues.catalogue import search_library
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import PREFIX, SiteDep

LIBRARY = f"{PREFIX}/approaches"
router = APIRouter()


def filter_of(request: Request) -> LibraryFilter:
    """The page's query string as a filter; an unknown or over-long value is ignored."""
    params = request.query_params

    def one(name: str) -> str:
        return params.get(name, "").strip()[:200]

    complete = one("complete")
    return LibraryFilter(
        query=one("q"),
        country=one("country"),
        interest=one("interest"),
        organisation=one("organisation"),
        complete=(complete,) if complete else (),
        state=one("state"),
        kind=one("kind"),
        never_featured=one("never") == "1",
    )


@router.get(LIBRARY)
def library_page(request: Request, session: SignedIn, *, site: SiteDep) -> Response:
    wanted = filter_of(request)
    found = search_library(site.app.issue_desk(), wanted)
    return site.page(
        "library.html.j2",
        session=session,
        found=found,
        wanted=wanted,
        filtered=wanted != LibraryFilter(),
        done=request.query_params.get("done", ""),
    )
