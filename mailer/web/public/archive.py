"""``/archive`` and ``/archive/<slug>?lang=``: sent issues, without anybody's personal data.

An issue is shown as sent (its frozen source), every item in the chosen language (the issue's
fallback chain, then its first language), with the anonymous greeting; the personal links of
the footer lead to the subscribe page. Only campaigns in state ``sent`` are shown: a draft, a
running or a cancelled campaign is a 404 like an unknown slug. A sent issue never changes, so
its page is made once per language and kept.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mailer.app import App
from mailer.campaigns import archive
from mailer.core.campaigns import Campaign
from mailer.core.languages import resolve_language
from mailer.core.subscribers import Recipient
from mailer.errors import MailerError
from mailer.render.compile import greeting
from mailer.web.public.site import HEADERS, PublicSiteDep

ANONYMOUS = Recipient(0, "", "", None, None, frozenset())
# message HTML: inline styles and remote images, never a script, never framed
ISSUE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def _render(app: App, campaign: Campaign, language: str) -> str:
    composer = app.composer(campaign)
    variant = composer.variant(composer.full_variant(language))
    values = composer.personal_values(variant, ANONYMOUS)
    subscribe = f"{app.settings.web.base_url.rstrip('/')}/subscribe?lang={quote(language)}"
    values.update(
        greeting=greeting(variant.strings, ""),
        name="",
        email="",
        unsubscribe_url=subscribe,
        preferences_url=subscribe,
        confirm_url="",
    )
    return variant.render(values).html


router = APIRouter(include_in_schema=False)


@router.get("/archive")
def issues(request: Request, site: PublicSiteDep) -> Response:
    """Every sent issue, the latest first, with a link per language."""
    found = archive.sent_issues(site.app.database)
    return site.page(
        request,
        "archive.html.j2",
        issues=found,
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/archive/{slug}")
def issue(request: Request, slug: str, site: PublicSiteDep) -> Response:
    """One sent issue in ``?lang=`` (or the browser's language)."""
    campaign = archive.sent_issue(site.app.database, slug)
    if campaign is None:
        return site.notice(request, "no_issue", status=404)
    wanted = request.query_params.get("lang") or site.language(request)
    language = resolve_language(
        wanted[:35],
        campaign.languages,
        fallback=campaign.fallback,
        default=campaign.default_language,
    )
    try:
        html = site.archive_page(slug, language, lambda: _render(site.app, campaign, language))
    except MailerError:  # templates changed since and no longer render it
        return site.notice(request, "no_issue", status=404)
    headers = {
        **HEADERS,
        "Content-Security-Policy": ISSUE_POLICY,
        "Content-Language": language,
        "Cache-Control": "public, max-age=300",
    }
    return HTMLResponse(html, headers=headers)
