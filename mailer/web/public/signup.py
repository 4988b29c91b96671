"""``/subscribe`` (the form, double opt-in) and ``/confirm/<token>``.

Every accepted post, whoever the address belongs to, ends on the same "check your mailbox"
page (303 to ``/subscribe/check``): a new address, one already subscribed, a suppressed one
and a filled honeypot cannot be told apart. Only a failed confirmation mail is different:
the visitor is asked to try again later (503) and nothing of the attempt is kept.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from mailer.core.links import preferences_url
from mailer.core.subscribers import email_key
from mailer.errors import InvalidRecord
from mailer.subscriptions import signup
from mailer.web.public.forms import read_form
from mailer.web.public.site import PublicSite, client_ip

HONEYPOT = "website"  # hidden from people; bots fill it in


def _public_lists(site: PublicSite) -> list[str]:
    text = site.app.settings.web.public_lists
    return [name.strip() for name in text.split(",") if name.strip()]


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


def router(site: PublicSite) -> APIRouter:
    app = site.app
    routes = APIRouter(route_class=site.route_class(), include_in_schema=False)
    app.transactional_mail()  # made now: a DKIM key that cannot be read stops the app at start

    def form_page(
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

    async def offer() -> signup.Offer:
        return await asyncio.to_thread(signup.offer, app.database, _public_lists(site))

    @routes.get("/subscribe")
    async def subscribe_form(request: Request) -> Response:
        """The subscribe form."""
        return form_page(request, await offer())

    @routes.get("/subscribe/check")
    async def check_mailbox(request: Request) -> Response:
        """Where every accepted form ends, whatever happened to the address."""
        return site.notice(request, "check")

    @routes.post("/subscribe")
    async def subscribe(request: Request) -> Response:
        """Store an unconfirmed subscriber and mail the confirmation link."""
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
        offered = await offer()
        try:
            valid = signup.validate(form, offered)
        except InvalidRecord as exc:
            errors = {problem.field: problem.message for problem in exc.problems}
            return form_page(request, offered, status=422, values=_form_values(form), errors=errors)
        address = email_key(valid.email)
        if not site.per_address.hit(address):
            wait = str(site.per_address.retry_after(address))
            return site.notice(request, "too_many", status=429, headers={"Retry-After": wait})
        if not await app.subscribe(valid, ip=ip, language=site.language(request)):
            return site.notice(request, "try_later", status=503, headers={"Retry-After": "600"})
        return RedirectResponse(checked, status_code=303)

    @routes.get("/confirm/{token}")
    async def confirm_page(request: Request, token: str) -> Response:
        """A page with a button: mail scanners follow links, so a GET confirms nothing."""
        found = await site.confirmation_of(token)
        if found is None:
            return site.invalid_link(request)
        (owner, made_at), now = found, app.clock()
        state = await asyncio.to_thread(
            signup.confirmation, app.database, owner.id, made_at=made_at, now=now
        )
        return answer(request, state) or site.page(request, "confirm.html.j2", token=token)

    @routes.post("/confirm/{token}")
    async def confirm(request: Request, token: str) -> Response:
        """Confirm: the subscriber becomes active, with the lists they asked for."""
        await read_form(request, app.settings.web.max_form_bytes)
        found = await site.confirmation_of(token)
        if found is None:
            return site.invalid_link(request)
        (owner, made_at), now = found, app.clock()
        state = await asyncio.to_thread(
            signup.confirm, app.database, owner.id, made_at=made_at, now=now
        )
        settings = app.settings
        link = preferences_url(settings.web.base_url, settings.secrets.key, owner.id, owner.nonce)
        return answer(request, state) or site.notice(request, "confirmed", link=link)

    def answer(request: Request, state: signup.Confirmation) -> Response | None:
        """The page for a link that does not confirm; ``None`` when it does."""
        if state is signup.Confirmation.REFUSED:
            return site.invalid_link(request)
        if state is signup.Confirmation.EXPIRED:
            return site.expired_link(request)
        return None

    return routes
