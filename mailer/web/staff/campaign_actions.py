"""The POST actions on one campaign: test send, approve, schedule, unschedule, pause, resume,
cancel. Each answers with the campaign's page: a redirect after a change, the page again with
the reason (and 400, 404 or 409) when it was refused."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer.campaigns import lifecycle, overview
from mailer.campaigns.lint import lint_campaign
from mailer.core.campaigns import Campaign
from mailer.core.subscribers import normalise_email
from mailer.errors import Conflict, InvalidValue, MailerError, NotFound, PeriodMismatch
from mailer.web.staff.campaigns import campaigns_dir, detail_page, posted_send_time
from mailer.web.staff.session import Posted, PostedForm
from mailer.web.staff.site import PREFIX, Site, SiteDep, sentence

MAX_TEST_ADDRESSES = 10
DONE = {"unschedule": "unscheduled", "pause": "paused", "resume": "resumed", "cancel": "cancelled"}


def _status(exc: MailerError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    return 400


router = APIRouter()
base = f"{PREFIX}/campaigns/{{slug}}"


def refused(site: Site, request: Request, form: Posted, slug: str, exc: MailerError) -> Response:
    try:
        return detail_page(
            site, request, form.session, slug, status=_status(exc), error=sentence(exc)
        )
    except NotFound as missing:
        return site.error(request, 404, str(missing))


def changed(slug: str, done: str, zone: str = "") -> Response:
    query = f"?done={done}" + (f"&zone={quote(zone, safe='')}" if zone else "")
    return RedirectResponse(f"{PREFIX}/campaigns/{quote(slug, safe='')}{query}", 303)


def folder_text(site: Site, slug: str) -> tuple[Path, Campaign, str]:
    folder = overview.folder_of(campaigns_dir(site), slug)
    if folder is None:
        raise NotFound("campaign folder", slug)
    campaign, _, text = overview.load(folder)
    if campaign is None:
        raise Conflict(f"{slug}: campaign.toml has errors; see the lint results")
    return folder, campaign, text


@router.post(f"{base}/approve")
def approve(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    t = site.words(request)["campaign"]
    try:
        folder, campaign, text = folder_text(site, slug)
        problems = lint_campaign(folder, site.app.database, site.app.composer)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise Conflict(t["lint_first"].format(count=len(errors)))
        lifecycle.approve(
            site.app.database,
            campaign,
            text,
            by=form.session.account.email,
            now=site.app.clock(),
        )
    except MailerError as exc:
        return refused(site, request, form, slug, exc)
    return changed(slug, "approved")


@router.post(f"{base}/schedule")
def schedule(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    t = site.words(request)["campaign"]
    zone = form.text("timezone")
    try:
        send_at = posted_send_time(form.text("send_at"), zone, t)
        folder, campaign, text = folder_text(site, slug)
        forced = form.text("force_preflight") == "yes"
        lifecycle.schedule(
            site.app.database,
            campaign,
            text,
            send_at=send_at,
            by=form.session.account.email,
            now=site.app.clock(),
            preflight=site.app.preflight().gate(folder),
            forced_by=form.session.account.email if forced else None,
            timezone=zone,
            period_confirmed=form.text("confirm_period") == "yes",
        )
    except PeriodMismatch as exc:  # asked again, with the date kept and a box to confirm
        asked = (form.text("send_at"), zone)
        return detail_page(
            site,
            request,
            form.session,
            slug,
            status=409,
            error=sentence(exc),
            confirm_period=True,
            asked=asked,
        )
    except MailerError as exc:
        return refused(site, request, form, slug, exc)
    return changed(slug, "scheduled", zone)


def simple(action: str) -> None:
    change = getattr(lifecycle, action)

    @router.post(f"{base}/{action}", name=f"staff_{action}")
    def endpoint(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
        try:
            change(site.app.database, slug, now=site.app.clock())
        except MailerError as exc:
            return refused(site, request, form, slug, exc)
        return changed(slug, DONE[action])


for action in DONE:
    simple(action)


@router.post(f"{base}/test")
async def test_send(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    t = site.words(request)["campaign"]
    raw = form.text("addresses")
    try:
        addresses = [normalise_email(a) for a in re.split(r"[\s,;]+", raw) if a]
        if not addresses:
            raise InvalidValue("addresses", t["no_addresses"])
        if len(addresses) > MAX_TEST_ADDRESSES:
            raise InvalidValue(
                "addresses", t["too_many_addresses"].format(limit=MAX_TEST_ADDRESSES)
            )
        _, campaign, _ = await asyncio.to_thread(folder_text, site, slug)
        copies = await site.app.send_test_copies(campaign, addresses)
    except MailerError as exc:
        return await asyncio.to_thread(refused, site, request, form, slug, exc)
    return await asyncio.to_thread(
        detail_page, site, request, form.session, slug, copies=copies, addresses=raw
    )
