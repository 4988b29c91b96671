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
from mailer.web.public.site import PRIVATE, PublicSite

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


def router(site: PublicSite) -> APIRouter:
    app = site.app
    database = app.database
    routes = APIRouter(route_class=site.route_class(), include_in_schema=False)
    max_bytes = app.settings.web.max_form_bytes
    public_lists = app.settings.web.public_lists

    async def lookup(token: str) -> tuple[Owner, Profile] | None:
        owner = await site.subscriber_of("preferences", token)
        if owner is None:
            return None
        found = await asyncio.to_thread(preferences.profile, database, owner.id)
        return None if found is None else (owner, found)

    async def show(
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
        offered = await asyncio.to_thread(signup.offer, database, public_lists)
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
            leave=unsubscribe_url(web.base_url, key, owner.id, owner.nonce),
        )

    @routes.get("/preferences/{token}")
    async def preferences_page(request: Request, token: str) -> Response:
        looked = await lookup(token)
        if looked is None:
            return site.invalid_link(request)
        return await show(request, token, *looked)

    @routes.post("/preferences/{token}")
    async def save(request: Request, token: str) -> Response:
        """Save the form, or pause (``action=pause``)."""
        posted = await read_form(request, max_bytes)
        looked = await lookup(token)
        if looked is None:
            return site.invalid_link(request)
        owner, found = looked
        now = app.clock()
        if posted.get("action") == PAUSE:
            await asyncio.to_thread(preferences.pause, database, found.id, now=now)
            changed = await asyncio.to_thread(preferences.profile, database, found.id)
            return await show(request, token, owner, changed or found, saved="paused")
        offered = await asyncio.to_thread(signup.offer, database, public_lists)
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
            return await show(
                request, token, owner, found, status=422, values=values, errors=errors
            )
        if changed is None:
            return site.invalid_link(request)
        return await show(request, token, owner, changed, saved="saved")

    @routes.post("/preferences/{token}/export")
    async def export(request: Request, token: str) -> Response:
        """Everything held on the person, as a JSON download."""
        await read_form(request, max_bytes)
        looked = await lookup(token)
        data = None
        if looked is not None:
            data = await asyncio.to_thread(preferences.export, database, looked[0].id)
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

    @routes.get("/preferences/{token}/erase")
    async def erase_page(request: Request, token: str) -> Response:
        """The confirmation step of the erase (changes nothing)."""
        if await lookup(token) is None:
            return site.invalid_link(request)
        return site.page(request, "erase.html.j2", token=token)

    @routes.post("/preferences/{token}/erase")
    async def erase(request: Request, token: str) -> Response:
        """Without ``confirm=yes``: the confirmation step; with it: erase the person."""
        posted = await read_form(request, max_bytes)
        looked = await lookup(token)
        if looked is None:
            return site.invalid_link(request)
        if posted.get("confirm") != "yes":
            return site.page(request, "erase.html.j2", token=token)
        await asyncio.to_thread(preferences.erase, database, looked[0].id, now=app.clock())
        return site.notice(
            request, "erased", link=f"/subscribe?lang={quote(site.language(request))}"
        )

    return routes
