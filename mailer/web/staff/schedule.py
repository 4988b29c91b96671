"""``/staff/schedule``: every series with its next occurrences (local time and UTC), whether
each of the next periods has an approved issue and the last outcomes; then the one-off sends.

Series are read through ``mailer.campaigns.series_overview`` (never the scheduler itself)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from mailer.campaigns.occurrences import one_offs
from mailer.campaigns.series_overview import SeriesView, series_schedule
from mailer.core import one_off
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep

router = APIRouter()


def every_series(site: Site) -> list[SeriesView]:
    """The series of ``paths.campaigns`` as of the app's clock (the dashboard shows them too)."""
    app = site.app
    return series_schedule(app.database, app.settings.paths.campaigns, now=app.clock())


def one_off_sends(site: Site) -> list[dict[str, Any]]:
    """One-off sends still to come, with their local time (the dashboard shows them too)."""
    database, campaigns_dir = site.app.database, site.app.settings.paths.campaigns
    return [
        {
            "slug": item.slug,
            "utc": item.planned.planned_at,
            "local": one_off.to_local(item.planned.planned_at, item.timezone),
            "timezone": item.timezone,
            "by": item.by,
        }
        for item in one_offs(database, campaigns_dir)
    ]


@router.get(f"{PREFIX}/schedule")
def schedule_page(session: SignedIn, site: SiteDep) -> Response:
    return site.page(
        "schedule.html.j2",
        session=session,
        series=every_series(site),
        sends=one_off_sends(site),
    )
