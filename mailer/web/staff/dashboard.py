"""``/staff/``: campaigns with state and progress, every series' next occurrence, subscriber
counts, recent bounces, next one-off sends."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer.bounces import history
from mailer.campaigns import overview
from mailer.reports import counts
from mailer.subscriptions.lists import list_lists
from mailer.web.staff.campaigns import preflight_panel
from mailer.web.staff.schedule import every_series, one_off_sends
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import PREFIX, SiteDep

RECENT_BOUNCES = 10


router = APIRouter()


@router.get(f"{PREFIX}/")
def dashboard(session: SignedIn, site: SiteDep) -> Response:
    database = site.app.database
    campaigns_dir = site.app.settings.paths.campaigns
    return site.page(
        "dashboard.html.j2",
        session=session,
        campaigns=overview.all_campaigns(database, campaigns_dir),
        statuses=counts.subscribers_by_status(database),
        lists=list_lists(database),
        bounces=history.events(database, limit=RECENT_BOUNCES),
        sends=one_off_sends(site),
        series=every_series(site),
        **preflight_panel(site, None, None),
    )


@router.get(PREFIX, include_in_schema=False)
def bare(request: Request) -> Response:
    return RedirectResponse(f"{PREFIX}/", status_code=303)
