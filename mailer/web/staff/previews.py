"""Previews of an issue: per language (every item) or exactly as one subscriber gets it.

``/staff/campaigns/<slug>/preview?lang=ru`` (or ``?email=…``) is a staff page with the
subject, the variant, the text part (escaped) and the HTML part in a sandboxed ``<iframe>``
whose source, ``…/preview.html`` with the same query, is served with a ``sandbox`` policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from mailer.campaigns import overview
from mailer.campaigns.preview import PREVIEW_RECIPIENT, preview_as
from mailer.core.languages import resolve_language
from mailer.core.subscribers import Recipient
from mailer.errors import InvalidValue, MailerError, NotFound
from mailer.render.compile import RenderedMessage
from mailer.subscriptions import people
from mailer.web.staff.campaigns import campaigns_dir
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import MESSAGE_POLICY, PREFIX, Site, SiteDep, sentence


@dataclass(frozen=True)
class Preview:
    message: RenderedMessage
    variant: str
    language: str
    recipient: Recipient
    query: str  # lang=… or email=…, for the iframe's source


def _recipient(site: Site, email: str) -> Recipient:
    record = people.show(site.app.database, email)
    return Recipient(
        record["id"],
        record["email"],
        record["name"] or "",
        record["country"],
        record["language"],
        frozenset(record["interests"]),
    )


def _preview(
    site: Site, request: Request, slug: str, lang: str, email: str, **context: Any
) -> Preview | Response:
    """The preview, or the error page saying why there is none (404 for what does not exist)."""
    try:
        return render_preview(site, slug, lang=lang, email=email.strip())
    except MailerError as exc:
        status = 404 if isinstance(exc, NotFound) else 400
        return site.error(request, status, sentence(exc), **context)


def render_preview(site: Site, slug: str, *, lang: str = "", email: str = "") -> Preview:
    """The message for one language or one subscriber; ``NotFound`` / ``InvalidValue`` else."""
    folder = overview.folder_of(campaigns_dir(site), slug)
    if folder is None:
        raise NotFound("campaign folder", slug)
    campaign, _, _ = overview.load(folder)
    if campaign is None:
        raise InvalidValue("campaign.toml", "has errors; see the lint results")
    composer = site.app.composer(campaign)
    if email:
        recipient = _recipient(site, email)
        variant, _, message = preview_as(composer, recipient)
        return Preview(
            message, variant.key.name, variant.key.language, recipient, f"email={recipient.email}"
        )
    chosen = lang or campaign.default_language
    language = resolve_language(chosen, campaign.languages, fallback=campaign.fallback, default="")
    if not language or language not in campaign.languages:
        raise NotFound("language in this issue", chosen)
    variant = composer.variant(composer.full_variant(language))
    message = variant.render(composer.personal_values(variant, PREVIEW_RECIPIENT))
    return Preview(message, variant.key.name, language, PREVIEW_RECIPIENT, f"lang={language}")


router = APIRouter()
base = f"{PREFIX}/campaigns/{{slug}}"


@router.get(f"{base}/preview")
def preview_page(
    slug: str,
    request: Request,
    session: SignedIn,
    lang: str = "",
    email: str = "",
    *,
    site: SiteDep,
) -> Response:
    preview = _preview(site, request, slug, lang, email, back=f"{PREFIX}/campaigns/{slug}")
    if isinstance(preview, Response):
        return preview
    return site.page("preview.html.j2", session=session, slug=slug, preview=preview)


@router.get(f"{base}/preview.html")
def preview_html(
    slug: str,
    request: Request,
    session: SignedIn,
    lang: str = "",
    email: str = "",
    *,
    site: SiteDep,
) -> Response:
    preview = _preview(site, request, slug, lang, email)
    if isinstance(preview, Response):
        return preview
    return message_html(preview.message.html)


def message_html(html: str) -> HTMLResponse:
    """Message HTML under a ``sandbox`` policy, framed only by our own pages."""
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": MESSAGE_POLICY,
            "X-Frame-Options": "SAMEORIGIN",
        },
    )
