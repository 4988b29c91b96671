"""``/staff/issues/<slug>/preview``: the issue as a reader sees it, and test copies.

The page shows From, subject and preheader as an inbox would, the message in a sandboxed
frame at desktop or phone width, and the text part; as a language (every item), as one
subscriber by address (an unknown address is said on the same page), or as a reader of a
country and an interest. The variants the readers get are listed by language and item titles.

Test copies: a POST sends the chosen languages (default: the issue's first) to the addresses
and redirects to the page with the results in its address, so a reload sends nothing again.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer import issues
from mailer.core.subscribers import normalise_email
from mailer.dispatch.copies import SentCopy
from mailer.errors import InvalidValue, MailerError, NotFound
from mailer.web.staff.issues import ISSUES, issue_url, status_of
from mailer.web.staff.previews import message_html
from mailer.web.staff.session import Posted, PostedForm, Session, SignedIn
from mailer.web.staff.site import Site, SiteDep, sentence

MAX_ADDRESSES = 10
WHO = ("lang", "email", "country", "interest", "variant")
WIDTHS = ("desktop", "phone")
router = APIRouter()


def _who(query: dict[str, str]) -> issues.ReaderAs:
    return issues.ReaderAs(
        language=query.get("lang", ""),
        email=query.get("email", ""),
        country=query.get("country", ""),
        interest=query.get("interest", ""),
        variant=query.get("variant", ""),
    )


def _preview(site: Site, slug: str, query: dict[str, str]) -> issues.IssuePreview:
    return issues.preview_issue(
        site.app.issue_desk(), slug, _who(query), default_sender=site.app.settings.sender.from_
    )


def _results(request: Request) -> list[dict[str, object]]:
    """The test copies' results the redirect carried: language, address, result, reply."""
    out = []
    for value in request.query_params.getlist("copy")[: MAX_ADDRESSES * 20]:
        language, _, rest = value.partition("|")
        address, _, reply = rest.partition("|")
        out.append(
            {"language": language, "address": address, "sent": reply == "sent", "reply": reply}
        )
    return out


def preview_page(
    site: Site, request: Request, session: Session, slug: str, *, status: int = 200, error: str = ""
) -> Response:
    query = {k: request.query_params.get(k, "").strip()[:320] for k in WHO}
    person_error = ""
    try:
        try:
            found = _preview(site, slug, query)
        except (NotFound, InvalidValue) as unknown:
            if not query["email"]:
                raise
            person_error = str(unknown)  # said on the page; the issue's own language instead
            query = {**query, "email": ""}
            found = _preview(site, slug, query)
    except MailerError as exc:
        return site.error(request, status_of(exc), sentence(exc), back=issue_url(slug))
    width = request.query_params.get("width", "desktop")
    shown = {k: v for k, v in query.items() if v}
    return site.page(
        "issue_preview.html.j2",
        status=status,
        session=session,
        slug=slug,
        preview=found,
        query=query,
        frame_query=urlencode(shown),
        width_query={w: urlencode({**shown, "width": w}) for w in WIDTHS},
        width=width if width in WIDTHS else "desktop",
        person_error=person_error,
        results=_results(request),
        error=error,
        max_addresses=MAX_ADDRESSES,
    )


@router.get(f"{ISSUES}/{{slug}}/preview")
def preview(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    return preview_page(site, request, session, slug)


@router.get(f"{ISSUES}/{{slug}}/preview.html")
def preview_html(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    query = {k: request.query_params.get(k, "").strip()[:320] for k in WHO}
    try:
        found = _preview(site, slug, query)
    except MailerError as exc:
        return site.error(request, status_of(exc), sentence(exc))
    return message_html(found.message.html)


def _addresses(form: Posted) -> list[str]:
    raw = form.text("addresses")
    found = [normalise_email(a) for a in re.split(r"[\s,;]+", raw) if a]
    if not found:
        raise InvalidValue("addresses", "give at least one address")
    if len(found) > MAX_ADDRESSES:
        raise InvalidValue("addresses", f"at most {MAX_ADDRESSES} addresses at a time")
    return found


def _languages(form: Posted) -> list[str]:
    chosen = [v for v in form.form.getlist("languages") if isinstance(v, str) and v.strip()]
    if not chosen:
        raise InvalidValue("languages", "pick at least one language")
    return chosen


def _copy(copy: SentCopy) -> str:
    reply = "sent" if copy.outcome.action == "sent" else copy.outcome.reason[:200] or "not sent"
    return f"{copy.language}|{copy.address}|{reply}"


@router.post(f"{ISSUES}/{{slug}}/test")
async def test_copies(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    try:
        addresses, languages = _addresses(form), _languages(form)
        found = await asyncio.to_thread(issues.campaign_text, site.app.issue_desk(), slug)
        campaign = found.valid_campaign()
        unknown = [lang for lang in languages if lang not in campaign.languages]
        if unknown:
            raise InvalidValue("languages", f"{', '.join(unknown)}: not a language of this issue")
        copies = await site.app.send_test_copies(campaign, addresses, languages)
    except MailerError as exc:
        return await asyncio.to_thread(
            preview_page,
            site,
            request,
            form.session,
            slug,
            status=status_of(exc),
            error=sentence(exc),
        )
    query: list[tuple[str, Any]] = [("copy", _copy(c)) for c in copies]
    return RedirectResponse(
        f"{issue_url(slug)}/preview?{urlencode(query)}#test-results", status_code=303
    )
