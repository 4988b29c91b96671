"""``/preferences/<token>``: change one's profile and lists, pause, export, erase.

Every change is a POST; the erase takes two (the second carries ``confirm=yes``), and the
export is a POST too, so that nothing follows the link to download a person's data.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mailer.core.links import unsubscribe_url
from mailer.core.owners import Owner
from mailer.errors import InvalidRecord
from mailer.subscriptions import preferences, signup
from mailer.subscriptions.preferences import Choices, Profile
from mailer.web.public.forms import Form, read_form
from mailer.web.public.site import PRIVATE, PublicSite, PublicSiteDep

PAUSE = "pause"


def _values(found: Profile) -> dict[str, Any]:
    return {
        "name": found.name,
        "country": found.country or "",
        "language": found.language or "",
        "interests": list(found.interests),
        "lists": [name for name, status in found.lists.items() if status != "unsubscribed"],
    }


def _choices(posted: Form) -> Choices:
    return Choices(
        name=posted.get("name"),
        country=posted.get("country"),
        language=posted.get("language"),
        interests=posted.getlist("interests"),
        lists=posted.getlist("lists"),
    )


def _lookup(site: PublicSite, token: str) -> tuple[Owner, Profile] | None:
    """The person a preferences link names and their profile (reads the database)."""
    owner = site.subscriber_of("preferences", token)
    if owner is None:
        return None
    found = preferences.profile(site.app.database, owner.id)
    return None if found is None else (owner, found)


def _show(
    site: PublicSite,
    request: Request,
    token: str,
    owner: Owner,
    found: Profile,
    *,
    status: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    saved: str = "",
) -> Response:
    """The preferences page (reads the lists and interests offered)."""
    app = site.app
    offered = signup.offer(app.database, app.settings.web.public_lists)
    web, key = app.settings.web, app.settings.secrets.key
    return site.page(
        request,
        "preferences.html.j2",
        status=status,
        token=token,
        person=found,
        offer=offered,
        values=values or _values(found),
        errors=errors or {},
        saved=saved,
        countries=site.countries(site.language(request)),
        leave=unsubscribe_url(web.base_url, key, owner.id, owner.nonce, site.language(request)),
    )


router = APIRouter(include_in_schema=False)


@router.get("/preferences/{token}")
def preferences_page(request: Request, token: str, site: PublicSiteDep) -> Response:
    looked = _lookup(site, token)
    if looked is None:
        return site.invalid_link(request)
    return _show(site, request, token, *looked)


@router.post("/preferences/{token}")
async def save(request: Request, token: str, site: PublicSiteDep) -> Response:
    """Save the form, or pause (``action=pause``)."""
    app = site.app
    database = app.database
    posted = await read_form(request, app.settings.web.max_form_bytes)
    looked = await asyncio.to_thread(_lookup, site, token)
    if looked is None:
        return site.invalid_link(request)
    owner, found = looked
    now = app.clock()
    if posted.get("action") == PAUSE:
        await asyncio.to_thread(preferences.pause, database, found.id, now=now)
        changed = await asyncio.to_thread(preferences.profile, database, found.id)
        shown = changed or found
        return await asyncio.to_thread(_show, site, request, token, owner, shown, saved="paused")
    offered = await asyncio.to_thread(signup.offer, database, app.settings.web.public_lists)
    choices = _choices(posted)
    try:
        changed = await asyncio.to_thread(
            preferences.update, database, found.id, choices, offered, now=now
        )
    except InvalidRecord as exc:
        values = {
            "name": choices.name,
            "country": choices.country,
            "language": choices.language,
            "interests": list(choices.interests),
            "lists": list(choices.lists),
        }
        errors = {problem.field: problem.message for problem in exc.problems}
        return await asyncio.to_thread(
            _show, site, request, token, owner, found, status=422, values=values, errors=errors
        )
    if changed is None:
        return site.invalid_link(request)
    return await asyncio.to_thread(_show, site, request, token, owner, changed, saved="saved")


@router.post("/preferences/{token}/export")
async def export(request: Request, token: str, site: PublicSiteDep) -> Response:
    """Everything held on the person, as a JSON download."""
    await read_form(request, site.app.settings.web.max_form_bytes)
    looked = await asyncio.to_thread(_lookup, site, token)
    data = None
    if looked is not None:
        data = await asyncio.to_thread(preferences.export, site.app.database, looked[0].id)
    if data is None:
        return site.invalid_link(request)
    body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return Response(
        body.encode(),
        media_type="application/json; charset=utf-8",
        headers={
            **PRIVATE,
            "Content-Disposition": 'attachment; filename="my-subscription-data.json"',
        },
    )


@router.get("/preferences/{token}/erase")
def erase_page(request: Request, token: str, site: PublicSiteDep) -> Response:
    """The confirmation step of the erase (changes nothing)."""
    if _lookup(site, token) is None:
        return site.invalid_link(request)
    return site.page(request, "erase.html.j2", token=token)


@router.post("/preferences/{token}/erase")
async def erase(request: Request, token: str, site: PublicSiteDep) -> Response:
    """Without ``confirm=yes``: the confirmation step; with it: erase the person."""
    app = site.app
    posted = await read_form(request, app.settings.web.max_form_bytes)
    looked = await asyncio.to_thread(_lookup, site, token)
    if looked is None:
        return site.invalid_link(request)
    if posted.get("confirm") != "yes":
        return site.page(request, "erase.html.j2", token=token)
    await asyncio.to_thread(preferences.erase, app.database, looked[0].id, now=app.clock())
    return site.notice(request, "erased", link=f"/subscribe?lang={quote(site.language(request))}")
