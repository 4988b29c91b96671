"""``/staff/bounces``: recorded bounces and complaints, newest first, by kind and age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response

from mailer.bounces import history
from mailer.core.bounces import Kind
from mailer.core.text import ascii_int
from mailer.errors import InvalidValue
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import PREFIX, Site

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


def routes(site: Site) -> APIRouter:
    router = APIRouter(route_class=site.route_class())

    @router.get(f"{PREFIX}/bounces")
    def bounce_list(
        request: Request,
        session: SignedIn,
        kind: str = "",
        since: str = "",
    ) -> Response:
        kind, since = kind.strip(), since.strip()
        context: dict[str, Any] = {"session": session, "kinds": KINDS, "kind": kind, "since": since,
                   "events": [], "error": "", "limit": LIMIT}  # fmt: skip
        try:
            if kind and kind not in KINDS:
                raise InvalidValue("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
            moment = parse_since(since, site.app.clock())
        except InvalidValue as exc:
            context["error"] = str(exc)
            return site.page("bounces.html.j2", status=400, **context)
        context["events"] = history.events(
            site.app.database, since=moment, kind=kind or None, limit=LIMIT
        )
        return site.page("bounces.html.j2", **context)

    return router
