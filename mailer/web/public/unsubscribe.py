"""``/u/<token>``: the unsubscribe link of every message and its RFC 8058 one-click POST.

GET shows a page with a button (mail scanners follow links; a GET changes nothing). POST
unsubscribes from every list, whatever the body says (``List-Unsubscribe=One-Click`` from a
mail client, or the button), with no cookie and no login, and answers 200 with a page, never
a redirect. Repeating it is harmless; a person already erased gets the same answer.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mailer.app import App
from mailer.core.links import preferences_url
from mailer.core.owners import Owner
from mailer.subscriptions import preferences
from mailer.web.public.forms import read_form
from mailer.web.public.site import PublicSiteDep


def _settings_link(app: App, owner: Owner, language: str) -> str:
    web, key = app.settings.web, app.settings.secrets.key
    return preferences_url(web.base_url, key, owner.id, owner.nonce, language)


router = APIRouter(include_in_schema=False)


@router.get("/u/{token}")
def unsubscribe_page(request: Request, token: str, site: PublicSiteDep) -> Response:
    """The address and one button."""
    owner = site.subscriber_of("unsubscribe", token)
    if owner is None:
        return site.invalid_link(request)
    found = preferences.profile(site.app.database, owner.id)
    if found is None:
        return site.invalid_link(request)
    return site.page(
        request,
        "unsubscribe.html.j2",
        token=token,
        email=found.email,
        receiving=found.receiving,
        link=_settings_link(site.app, owner, site.language(request)),
    )


@router.post("/u/{token}")
async def unsubscribe(request: Request, token: str, site: PublicSiteDep) -> Response:
    """Unsubscribe from every list (one-click or the button); 200, no redirect. A
    signed link of someone erased gets the same page and acts on nobody."""
    app = site.app
    await read_form(request, app.settings.web.max_form_bytes)
    if not site.signed("unsubscribe", token):
        return site.invalid_link(request)
    owner = await asyncio.to_thread(site.subscriber_of, "unsubscribe", token)
    found = None
    if owner is not None:
        found = await asyncio.to_thread(
            preferences.unsubscribe, app.database, owner.id, now=app.clock()
        )
    link = _settings_link(app, owner, site.language(request)) if owner and found else ""
    return site.notice(request, "unsubscribed", link=link)
