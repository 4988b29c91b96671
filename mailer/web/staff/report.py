"""``/staff/campaigns/<slug>/report``: a sent (or sending) issue's report: outcomes per
language and per country as tables and server-rendered SVG charts, progress over time, and
opens and clicks when tracking is on (``mailer campaign report`` prints the same numbers)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from mailer.errors import NotFound
from mailer.reports.campaign_report import OUTCOMES, campaign_report
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import PREFIX, SiteDep

router = APIRouter()


@router.get(f"{PREFIX}/campaigns/{{slug}}/report")
def report_page(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    try:
        found = campaign_report(site.app.database, slug)
    except NotFound:
        message = site.texts(session.language)["report"]["none"].format(slug=slug)
        return site.error(request, 404, message, back=f"{PREFIX}/campaigns/{slug}")
    return site.page("report.html.j2", session=session, report=found, outcomes=OUTCOMES, slug=slug)
