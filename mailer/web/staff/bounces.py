"""``/staff/bounces``: recorded bounces and complaints, newest first, by kind and age; an
unverified event (nothing vouched for the person it names) is marked and has an Apply button,
``POST /staff/bounces/apply`` (CSRF-checked like every staff POST)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer.bounces import history
from mailer.core.bounces import Kind
from mailer.core.text import ascii_int
from mailer.errors import Conflict, InvalidValue, MailerError, NotFound
from mailer.web.staff.session import PostedForm, Session, SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep, sentence

KINDS = tuple(kind.value for kind in Kind if kind is not Kind.NOT_BOUNCE)
LIMIT = 500
UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_since(text: str, now: datetime) -> datetime | None:
    """``7d``, ``12h``, ``30m`` or an ISO 8601 date/time (UTC without an offset); naive UTC."""
    if not text:
        return None
    amount = ascii_int(text[:-1])
    if amount is not None and text[-1] in UNITS:
        return now - timedelta(**{UNITS[text[-1]]: amount})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        message = f"{text!r}: expected 7d, 12h, 30m or a date such as 2026-12-01"
        raise InvalidValue("since", message) from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


router = APIRouter()


def listing(site: Site, session: Session, kind: str, since: str, **shown: Any) -> Response:
    """The list page; ``shown`` may hold a ``notice``, an ``error`` and its ``status``."""
    kind, since = kind.strip(), since.strip()
    status = shown.pop("status", 200)
    context: dict[str, Any] = {"notice": "", "error": "", **shown}
    context.update(session=session, kinds=KINDS, kind=kind, since=since, events=[])
    context["limit"] = LIMIT
    try:
        if kind and kind not in KINDS:
            raise InvalidValue("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        moment = parse_since(since, site.app.clock())
    except InvalidValue as exc:
        context["error"] = sentence(exc)
        return site.page("bounces.html.j2", status=400, **context)
    context["events"] = history.events(
        site.app.database, since=moment, kind=kind or None, limit=LIMIT
    )
    return site.page("bounces.html.j2", status=status, **context)


@router.get(f"{PREFIX}/bounces")
def bounce_list(
    request: Request,
    session: SignedIn,
    kind: str = "",
    since: str = "",
    applied: str = "",
    *,
    site: SiteDep,
) -> Response:
    notice = ""
    if applied.isascii() and applied.isdigit():
        notice = site.words(request)["bounces"]["applied"].format(event=applied)
    return listing(site, session, kind, since, notice=notice)


@router.post(f"{PREFIX}/bounces/apply")
def apply_event(request: Request, form: PostedForm, site: SiteDep) -> Response:
    """Apply an unverified event's policy: staff decided the report is true."""
    text = form.text("event")
    try:
        if not (text.isascii() and text.isdigit()):
            raise InvalidValue("event", f"{text[:20]!r} is not a bounce event number")
        history.apply(
            site.app.database,
            int(text),
            site.app.bounce_policy(),
            by=form.session.account.email,
            now=site.app.clock(),
        )
    except MailerError as exc:
        code = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 400
        return listing(site, form.session, "", "", error=sentence(exc), status=code)
    return RedirectResponse(f"{PREFIX}/bounces?applied={text}", status_code=303)
