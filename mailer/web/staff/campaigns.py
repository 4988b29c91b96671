"""``/staff/campaigns``: every campaign folder with its stored state; one campaign's page with
its lint results, previews, test send, approval, schedule and live progress."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from mailer.campaigns import lifecycle, overview
from mailer.campaigns.lint import lint_campaign
from mailer.campaigns.occurrences import one_offs
from mailer.core import one_off
from mailer.core.campaign_states import TRANSITIONS
from mailer.core.campaigns import Campaign
from mailer.dispatch.copies import SentCopy
from mailer.errors import InvalidValue, NotFound
from mailer.render.compose import Composer
from mailer.web.staff.session import Session, SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep, sentence

ACTIONS = ("approve", "schedule", "unschedule", "pause", "resume", "cancel")


def campaigns_dir(site: Site) -> Path:
    return site.app.settings.paths.campaigns


def zone_or_none(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _schedule(site: Site, slug: str, campaign: Campaign | None, zone: str | None) -> Any:
    """When it goes out (UTC and local) if it is a one-off to come, else None."""
    planned = next(
        (item for item in one_offs(site.app.database, campaigns_dir(site)) if item.slug == slug),
        None,
    )
    if planned is None:
        return None
    shown_zone = zone or planned.timezone
    return {
        "utc": planned.planned.planned_at,
        "local": one_off.to_local(planned.planned.planned_at, shown_zone),
        "timezone": shown_zone,
        "by": planned.by,
        "deadline": planned.planned.deadline_at,
    }


def detail_page(
    site: Site,
    request: Request,
    session: Session,
    slug: str,
    *,
    status: int = 200,
    error: str = "",
    copies: list[SentCopy] | None = None,
    addresses: str = "",
    confirm_period: bool = False,
    asked: tuple[str, str] | None = None,
) -> Response:
    """The page of one campaign (also shown again, with ``error``, after a refused action).
    ``confirm_period`` offers to schedule anyway the local time and zone ``asked`` that fell
    outside the issue's period."""
    folder = overview.folder_of(campaigns_dir(site), slug)
    database = site.app.database
    campaign, text = None, ""
    problems = []
    composer = None
    if folder is not None:
        campaign, _, text = overview.load(folder)
        composer = site.app.composer(campaign) if campaign else None
        # one composer for lint and preflight: each variant is compiled once per page view
        problems = lint_campaign(
            folder, database, lambda issue: composer or site.app.composer(issue)
        )
    summary = overview.summary(database, slug, campaign)
    if folder is None and not summary.stored:
        raise NotFound("campaign", slug)
    approved_now = campaign is not None and lifecycle.is_approved(database, campaign, text)
    allowed = [a for a in ACTIONS if summary.state in TRANSITIONS[a]]
    if not summary.stored:  # nothing stored yet: only approval makes sense
        allowed = ["approve", "schedule"] if campaign and campaign.approved else ["approve"]
    zone = zone_or_none(request.query_params.get("zone"))
    default_zone = zone or (campaign.timezone if campaign else None) or "UTC"
    done = request.query_params.get("done", "")
    return site.page(
        "campaign.html.j2",
        status=status,
        session=session,
        slug=slug,
        summary=summary,
        campaign=campaign,
        has_folder=folder is not None,
        errors=[p for p in problems if p.severity == "error"],
        warnings=[p for p in problems if p.severity == "warning"],
        approved_now=approved_now,
        allowed=allowed,
        schedule=_schedule(site, slug, campaign, zone),
        default_zone=default_zone,
        now_local=one_off.to_local(site.app.clock(), default_zone),
        notice=site.words(request)["done"].get(done, ""),
        error=error,
        copies=copies,
        addresses=addresses,
        confirm_period=confirm_period,
        asked=asked,
        **preflight_panel(site, folder, campaign, composer),
    )


def preflight_panel(
    site: Site, folder: Path | None, campaign: Campaign | None, composer: Composer | None = None
) -> dict[str, Any]:
    """What ``_preflight.html.j2`` shows: the (cached) report and whether it gates sending."""
    preflight = site.app.preflight()
    return {
        "preflight": preflight.run(folder, composer=composer),
        "preflight_gate": preflight.gate_applies(preflight.sender_of(campaign)),
        "preflight_minutes": max(1, round(site.app.settings.preflight.cache_seconds / 60)),
        "issue": folder is not None,
    }


router = APIRouter()


@router.get(f"{PREFIX}/campaigns")
def campaign_list(session: SignedIn, site: SiteDep) -> Response:
    campaigns = overview.all_campaigns(site.app.database, campaigns_dir(site))
    return site.page(
        "campaigns.html.j2",
        session=session,
        campaigns=campaigns,
        folder=str(campaigns_dir(site)),
    )


@router.get(f"{PREFIX}/campaigns/{{slug}}")
def campaign_page(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    try:
        return detail_page(site, request, session, slug)
    except NotFound as exc:
        return site.error(request, 404, sentence(exc))


@router.get(f"{PREFIX}/campaigns/{{slug}}/progress")
def progress(slug: str, session: SignedIn, site: SiteDep) -> Response:
    """Polled by staff.js every few seconds while the page is open."""
    summary = overview.summary(site.app.database, slug)
    if not summary.stored and overview.folder_of(campaigns_dir(site), slug) is None:
        return JSONResponse({"error": f"no campaign {slug!r}"}, status_code=404)
    body = summary.progress()
    body["at"] = f"{site.app.clock():%Y-%m-%dT%H:%M:%S}Z"
    return JSONResponse(body)


def parse_local(value: str) -> datetime | None:
    """A ``datetime-local`` form value (``2026-12-01T09:00``), or None when it is not one."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is None else None


def posted_send_time(send_at: str, zone: str, words: dict[str, str]) -> datetime:
    """The UTC instant of a schedule form's local time in its zone; ``InvalidValue`` naming
    the field (in the staff's words, ``words`` = the ``campaign`` strings) when either is bad."""
    local = parse_local(send_at)
    if local is None:
        raise InvalidValue("send_at", words["bad_time"].format(value=send_at))
    if zone_or_none(zone) is None:
        raise InvalidValue("timezone", words["bad_zone"].format(value=zone))
    return one_off.to_utc(local, zone)
