"""``/staff/audience``: the audience builder. Drop-downs for country, interest, language, list
and status write a segment expression (shown, and editable); the page counts who it reaches,
per country and per interest (tables and bar charts), and saves it by name for issues
(``segment = "@name"`` in campaign.toml)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer.core.segment_builder import Choices, compose
from mailer.errors import InvalidValue, MailerError, NotFound, SegmentSyntaxError
from mailer.subscriptions import audience
from mailer.web.staff.session import PostedForm, SignedIn
from mailer.web.staff.site import PREFIX, SiteDep, sentence

router = APIRouter()
PAGE = f"{PREFIX}/audience"
FIELDS = ("country", "interest", "language", "list", "status")


def _choices(request: Request) -> Choices:
    query = request.query_params
    picked = {name: query.get(name, "").strip() for name in FIELDS}
    if "status" not in query:
        picked["status"] = "active"  # who would receive: active unless the person says
    return Choices(**picked)


@router.get(PAGE)
def builder(request: Request, session: SignedIn, site: SiteDep) -> Response:
    choices = _choices(request)
    typed = request.query_params.get("segment")
    from_choices = typed is None or request.query_params.get("action") == "choices"
    segment = compose(choices) if from_choices else (typed or "").strip()
    context: dict[str, Any] = {
        "session": session,
        "choices": choices,
        "segment": segment,
        "options": audience.options(site.app.database),
        "reach": None,
        "segment_error": None,
        "error": "",
        "saved_notice": request.query_params.get("saved", ""),
    }
    status = 200
    try:
        context["reach"] = audience.reach(site.app.database, segment)
    except SegmentSyntaxError as exc:
        context["segment_error"], status = exc, 400
    except (InvalidValue, NotFound) as exc:
        context["error"], status = sentence(exc), 400
    return site.page("audience.html.j2", status=status, **context)


@router.post(f"{PAGE}/save")
def save(request: Request, form: PostedForm, site: SiteDep) -> Response:
    name, expression = form.text("name"), form.text("segment")
    try:
        audience.save_segment(
            site.app.database,
            name,
            expression,
            form.text("description"),
            by=form.session.account.email,
            now=site.app.clock(),
        )
    except MailerError as exc:
        back = f"{PAGE}?{urlencode({'segment': expression, 'action': 'expression'})}"
        return site.error(request, 400, sentence(exc), back=back)
    query = urlencode({"segment": f"@{name}", "action": "expression", "saved": name})
    return RedirectResponse(f"{PAGE}?{query}", status_code=303)


@router.post(f"{PAGE}/delete")
def delete(request: Request, form: PostedForm, site: SiteDep) -> Response:
    try:
        audience.delete_segment(site.app.database, form.text("name"))
    except MailerError as exc:
        return site.error(request, 404, sentence(exc), back=PAGE)
    return RedirectResponse(PAGE, status_code=303)
