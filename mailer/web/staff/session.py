"""Staff sessions and CSRF tokens, both signed with ``mailer.core.tokens``.

The session cookie is a token for the purpose ``session``, signed and verified with
``secrets.key`` alone (rotating the key signs everyone out), whose subject is
``<user id>:<issued, Unix microseconds>:<expiry, Unix seconds>:<password stamp>:<nonce>``. It
ends after ``SESSION_HOURS``, when the account is disabled, when its password changes, and when
the account's "valid after" time (sign-out, sign out everywhere) reaches its issue time. It is
HttpOnly, SameSite=Lax, limited to ``/staff`` and Secure when ``web.base_url`` is https.

Every form carries a CSRF token (purpose ``csrf``, subject: the session's nonce) in a hidden
field; every POST is checked (missing or wrong: 403). The login form, before any session,
carries a nonce that must match a signed cookie set with the form (a signed double submit).
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from mailer.access import staff as accounts
from mailer.access.staff import StaffAccount
from mailer.core.text import is_ascii_digits
from mailer.core.tokens import key_id_of, make_token, read_token
from mailer.web.staff.site import (
    PREFIX,
    CsrfRejected,
    SignedOut,
    Site,
    request_language,
    staff_site,
)

SESSION_COOKIE = "mailer_staff"
LOGIN_COOKIE = "mailer_staff_login"
SESSION_HOURS = 12
LOGIN_FORM_MINUTES = 60


@dataclass(frozen=True)
class Session:
    account: StaffAccount
    csrf: str
    expires_at: datetime  # naive UTC
    issued_at: datetime  # naive UTC, to the microsecond
    language: str = "en"  # of the pages: ?ui= > cookie > Accept-Language (site.request_language)
    chosen: bool = False  # by ?ui= on this request: the page keeps it in a cookie


@dataclass(frozen=True)
class Posted:
    """A POSTed form whose CSRF token checked out, and who sent it."""

    session: Session
    form: FormData

    def text(self, name: str) -> str:
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""


EPOCH = datetime(1970, 1, 1)
MICROSECOND = timedelta(microseconds=1)


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def _number(text: str) -> int | None:
    return int(text) if is_ascii_digits(text) else None


def _key(site: Site) -> str:
    return site.app.settings.secrets.key


def _current_key(site: Site) -> dict[str, str]:
    """Sessions verify with ``secrets.key`` only: an old key in ``old_keys`` (kept for links in
    mail already sent) must not keep anyone signed in."""
    key = _key(site)
    return {key_id_of(key): key}


def csrf_token(site: Site, nonce: str) -> str:
    return make_token(_key(site), "csrf", nonce)


def start_session(site: Site, response: Response, account: StaffAccount) -> None:
    """Set the session cookie for ``account`` on ``response``."""
    now = site.app.clock()
    expires = now + timedelta(hours=SESSION_HOURS)
    # after the account's "valid after" time, even when the clock has not moved since
    ended = account.sessions_valid_after
    issued = max(_micros(now), _micros(ended) + 1 if ended is not None else 0)
    nonce = secrets.token_urlsafe(12)
    subject = f"{account.id}:{issued}:{_epoch(expires)}:{account.stamp}:{nonce}"
    response.set_cookie(
        SESSION_COOKIE,
        make_token(_key(site), "session", subject),
        max_age=SESSION_HOURS * 3600,
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=site.secure_cookies,
    )
    response.delete_cookie(LOGIN_COOKIE, path=f"{PREFIX}/login")


def end_session(site: Site, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path=PREFIX, httponly=True, samesite="lax", secure=site.secure_cookies
    )


def read_session(site: Site, request: Request) -> Session | None:
    """The session of this request: None without a cookie, or with an expired, forged or
    stale one, or when the account is disabled or gone (reads the database)."""
    cookie = request.cookies.get(SESSION_COOKIE, "")
    subject = read_token(_current_key(site), "session", cookie) if cookie else None
    parts = subject.split(":") if subject else []
    if len(parts) != 5:
        return None
    user_id, issued, expiry = (_number(part) for part in parts[:3])
    stamp, nonce = parts[3], parts[4]
    if user_id is None or issued is None or expiry is None:
        return None
    if expiry <= _epoch(site.app.clock()):
        return None
    account = accounts.active_account(site.app.database, user_id)
    if account is None or not hmac.compare_digest(account.stamp, stamp):
        return None
    ended = account.sessions_valid_after
    if ended is not None and issued <= _micros(ended):
        return None  # signed out (here or everywhere) after this session began
    expires_at = datetime.fromtimestamp(expiry, UTC).replace(tzinfo=None)
    issued_at = EPOCH + issued * MICROSECOND
    language, chosen = request_language(request)
    return Session(account, csrf_token(site, nonce), expires_at, issued_at, language, chosen)


def signed_in(request: Request) -> Session:
    """A FastAPI dependency: the session, or ``SignedOut`` (the login page)."""
    session = read_session(staff_site(request), request)
    if session is None:
        raise SignedOut
    request.state.staff = session
    return session


async def posted(request: Request) -> Posted:
    """A FastAPI dependency for POST routes: the form once its CSRF token is checked."""
    session = await asyncio.to_thread(signed_in, request)
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise CsrfRejected
    return Posted(session, form)


SignedIn = Annotated[Session, Depends(signed_in)]
PostedForm = Annotated[Posted, Depends(posted)]


def set_login_cookie(site: Site, response: Response, nonce: str) -> None:
    """The signed cookie that the login form's ``nonce`` must match when it is posted."""
    response.set_cookie(
        LOGIN_COOKIE,
        make_token(_key(site), "login", nonce),
        max_age=LOGIN_FORM_MINUTES * 60,
        path=f"{PREFIX}/login",
        httponly=True,
        samesite="strict",
        secure=site.secure_cookies,
    )


def login_form_checks(site: Site, request: Request, form: FormData) -> bool:
    """True when the login form's nonce matches its signed cookie."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    nonce = read_token(_current_key(site), "login", cookie) if cookie else None
    sent = form.get("csrf")
    return (
        nonce is not None
        and isinstance(sent, str)
        and hmac.compare_digest(sent.encode(), nonce.encode())
    )
