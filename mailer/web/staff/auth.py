"""Signing in and out: ``/staff/login`` (GET: the form, POST: checks it), POST ``/staff/logout``.

Two limits answer 429 with ``Retry-After`` before any password is checked, so a flood costs
no hashing: attempts per client address (20 per 5 minutes), and failures per account at one
client address (after 5, a wait of 1 s doubling up to 15 minutes). Failures from one address
never slow down the same account elsewhere: a guesser cannot lock a colleague out.
"""

from __future__ import annotations

import asyncio
import secrets

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer.access import staff as accounts
from mailer.web.limits import client_key
from mailer.web.staff.session import (
    PostedForm,
    end_session,
    login_form_checks,
    read_session,
    set_login_cookie,
    start_session,
)
from mailer.web.staff.site import LOGIN, Site, SiteDep, request_language, safe_next

router = APIRouter()


def form(
    site: Site,
    request: Request,
    *,
    status: int = 200,
    error: str = "",
    email: str = "",
    headers: dict[str, str] | None = None,
    target: str | None = None,
) -> Response:
    nonce = secrets.token_urlsafe(16)
    language, chosen = request_language(request)
    response = site.page(
        "login.html.j2",
        language=language,
        language_chosen=chosen,
        status=status,
        headers=headers,
        error=error,
        email=email,
        next=safe_next(target or request.query_params.get("next")),
        csrf=nonce,
        session=None,
    )
    set_login_cookie(site, response, nonce)
    return response


@router.get(LOGIN)
def login_page(request: Request, site: SiteDep) -> Response:
    session = read_session(site, request)
    if session is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), 303)
    return form(site, request)


@router.post(LOGIN)
async def login(request: Request, site: SiteDep) -> Response:
    t = site.words(request)["login"]
    data = await request.form()
    if not login_form_checks(site, request, data):
        return site.error(request, 403, site.words(request)["errors"]["csrf_login"])
    email = str(data.get("email") or "").strip()
    target = safe_next(str(data.get("next") or ""))
    password = str(data.get("password") or "")
    ip = client_key(request.client.host if request.client else "unknown")
    failures_key = f"{email.casefold()} {ip}"

    def too_many(retry: int) -> Response:
        headers = {"Retry-After": str(retry)}
        return form(
            site,
            request,
            status=429,
            error=t["too_many"],
            email=email,
            target=target,
            headers=headers,
        )

    wait = site.login_failures.wait(failures_key)
    if wait:
        return too_many(wait)
    if not site.login_per_ip.hit(ip):
        return too_many(site.login_per_ip.retry_after(ip))
    result = await asyncio.to_thread(
        accounts.sign_in,
        site.app.database,
        email,
        password,
        now=site.app.clock(),
        hasher=site.app.password_hasher,
    )
    if result.outcome == "wrong":
        site.login_failures.failed(failures_key)
    else:
        site.login_failures.succeeded(failures_key)
    if result.outcome == "disabled":
        return form(site, request, status=403, error=t["disabled"], email=email, target=target)
    if result.account is None:
        return form(site, request, status=401, error=t["wrong"], email=email, target=target)
    response = RedirectResponse(target, status_code=303)
    start_session(site, response, result.account)
    return response


@router.post("/staff/logout")
def logout(form: PostedForm, site: SiteDep) -> Response:
    """This session ends on the server, and any older one of this person's with it."""
    session = form.session
    accounts.end_sessions(site.app.database, session.account.id, issued_up_to=session.issued_at)
    response = RedirectResponse(LOGIN, status_code=303)
    end_session(site, response)
    return response


@router.post("/staff/logout-everywhere")
def logout_everywhere(form: PostedForm, site: SiteDep) -> Response:
    """Every session of this person ends, in every browser."""
    account = form.session.account
    accounts.end_sessions(site.app.database, account.id, issued_up_to=site.app.clock())
    response = RedirectResponse(LOGIN, status_code=303)
    end_session(site, response)
    return response
