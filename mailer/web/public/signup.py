"""``/subscribe`` (the form, double opt-in) and ``/confirm/<token>``.

Every accepted post, whoever the address belongs to, ends on the same "check your mailbox"
page (303 to ``/subscribe/check``): a new address, one already subscribed, a suppressed one
and a filled honeypot cannot be told apart. Only a failed confirmation mail is different:
the visitor is asked to try again later (503) and nothing of the attempt is kept.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mailer.core.links import preferences_url
from mailer.core.subscribers import email_key
from mailer.errors import InvalidRecord
from mailer.subscriptions import signup
from mailer.web.public.forms import read_form
from mailer.web.public.site import PublicSite, PublicSiteDep, client_ip

log = logging.getLogger(__name__)
HONEYPOT = "website"  # hidden from people; bots fill it in


def _form_values(form: signup.SignupForm) -> dict[str, Any]:
    return {
        "email": form.email,
        "name": form.name,
        "country": form.country,
        "language": form.language,
        "interests": list(form.interests),
        "lists": list(form.lists),
        "source": form.source,
    }


def _form_page(
    site: PublicSite,
    request: Request,
    offered: signup.Offer,
    *,
    status: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    language = site.language(request)
    return site.page(
        request,
        "subscribe.html.j2",
        status=status,
        offer=offered,
        values=values or {"language": language, "lists": [], "interests": []},
        errors=errors or {},
        countries=site.countries(language),
    )


def _offer(site: PublicSite) -> signup.Offer:
    return signup.offer(site.app.database, site.app.settings.web.public_lists)


def _answer(site: PublicSite, request: Request, state: signup.Confirmation) -> Response | None:
    """The page for a link that does not confirm; ``None`` when it does."""
    if state is signup.Confirmation.REFUSED:
        return site.invalid_link(request)
    if state is signup.Confirmation.EXPIRED:
        return site.expired_link(request)
    return None


router = APIRouter(include_in_schema=False)


@router.get("/subscribe")
def subscribe_form(request: Request, site: PublicSiteDep) -> Response:
    """The subscribe form."""
    return _form_page(site, request, _offer(site))


@router.get("/subscribe/check")
def check_mailbox(request: Request, site: PublicSiteDep) -> Response:
    """Where every accepted form ends, whatever happened to the address."""
    return site.notice(request, "check")


@router.post("/subscribe")
async def subscribe(request: Request, site: PublicSiteDep) -> Response:
    """Store an unconfirmed subscriber and mail the confirmation link."""
    app = site.app
    ip = client_ip(request)
    if not site.per_ip.hit(ip):
        wait = str(site.per_ip.retry_after(ip))
        return site.notice(request, "too_many", status=429, headers={"Retry-After": wait})
    posted = await read_form(request, app.settings.web.max_form_bytes)
    checked = f"/subscribe/check?lang={quote(site.language(request))}"
    if posted.get(HONEYPOT).strip():
        return RedirectResponse(checked, status_code=303)
    form = signup.SignupForm(
        email=posted.get("email"),
        name=posted.get("name"),
        country=posted.get("country"),
        language=posted.get("language"),
        interests=posted.getlist("interests"),
        lists=posted.getlist("lists"),
        source=posted.get("source"),
    )
    offered = await asyncio.to_thread(_offer, site)
    try:
        valid = signup.validate(form, offered)
    except InvalidRecord as exc:
        errors = {problem.field: problem.message for problem in exc.problems}
        values = _form_values(form)
        return _form_page(site, request, offered, status=422, values=values, errors=errors)
    address = email_key(valid.email)
    if not site.per_address.hit(address):
        wait = str(site.per_address.retry_after(address))
        return site.notice(request, "too_many", status=429, headers={"Retry-After": wait})
    if not await app.subscribe(valid, ip=ip, language=site.language(request)):
        return site.notice(request, "try_later", status=503, headers={"Retry-After": "600"})
    return RedirectResponse(checked, status_code=303)


@router.get("/confirm/{token}")
def confirm_page(request: Request, token: str, site: PublicSiteDep) -> Response:
    """A page with a button: mail scanners follow links, so a GET confirms nothing."""
    found = site.confirmation_of(token)
    if found is None:
        return site.invalid_link(request)
    (owner, made_at), now = found, site.app.clock()
    state = signup.confirmation(site.app.database, owner.id, made_at=made_at, now=now)
    return _answer(site, request, state) or site.page(request, "confirm.html.j2", token=token)


@router.post("/confirm/{token}")
async def confirm(request: Request, token: str, site: PublicSiteDep) -> Response:
    """Confirm: the subscriber becomes active, with the lists they asked for."""
    settings = site.app.settings
    await read_form(request, settings.web.max_form_bytes)
    found = await asyncio.to_thread(site.confirmation_of, token)
    if found is None:
        return site.invalid_link(request)
    owner, made_at = found
    state = await site.app.confirm(owner.id, made_at=made_at, language=site.language(request))
    link = preferences_url(
        settings.web.base_url, settings.secrets.key, owner.id, owner.nonce, site.language(request)
    )
    return _answer(site, request, state) or site.notice(request, "confirmed", link=link)
