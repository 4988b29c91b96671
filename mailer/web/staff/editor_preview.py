"""The editor's live parts: the check of the draft as it is typed (JSON: problems by field,
what each language lacks, the audience, the preview's variant and size), the preview frame
(the draft's message HTML, posted by the form into a sandboxed ``<iframe>``) and the address
search of "preview as a subscriber"."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import escape

from mailer.errors import MailerError
from mailer.issues import drafts
from mailer.web.staff.editor import EDIT
from mailer.web.staff.editor_form import read_form
from mailer.web.staff.session import PostedForm, SignedIn
from mailer.web.staff.site import MESSAGE_POLICY, Site, SiteDep, sentence

_CACHES: dict[int, drafts.CompiledCache] = {}


def compiled_cache(site: Site) -> drafts.CompiledCache:
    """One cache of compiled variants per staff site (per app)."""
    return _CACHES.setdefault(id(site), drafts.CompiledCache())


def _who(values: dict[str, str]) -> drafts.PreviewAs:
    interest = values.get("preview_interest", "")
    return drafts.PreviewAs(
        language=values.get("preview_lang", ""),
        email=values.get("preview_email", ""),
        country=values.get("preview_country", ""),
        interests=frozenset({interest}) if interest else frozenset(),
    )


def frame_policy(site: Site) -> str:
    """The message policy, with images from this service too (uploaded images are served
    under ``web.base_url``, which may be plain http on a laptop)."""
    parts = urlsplit(site.app.settings.web.base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return MESSAGE_POLICY.replace("img-src https: data:", f"img-src https: data: {origin}")


def _frame(site: Site, html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        html,
        status_code=status,
        headers={"Content-Security-Policy": frame_policy(site), "X-Frame-Options": "SAMEORIGIN"},
    )


def _no_preview(site: Site, why: str) -> HTMLResponse:
    body = (
        '<!doctype html><meta charset="utf-8"><body style="font:15px sans-serif;color:#5b6474;'
        f'padding:1rem"><p id="no-preview">{escape(why)}</p>'
    )
    return _frame(site, body)


router = APIRouter()


@router.post(f"{EDIT}/check")
def check(slug: str, posted: PostedForm, *, site: SiteDep) -> Response:
    form = read_form(posted.form)
    try:
        checked = drafts.check_with_preview(
            site.app.issue_desk(), slug, form.document, _who(form.preview), compiled_cache(site)
        )
    except MailerError as exc:
        return JSONResponse({"error": sentence(exc)}, status_code=400)
    return JSONResponse(checked.as_json())


@router.post(f"{EDIT}/preview")
def preview_posted(slug: str, posted: PostedForm, *, site: SiteDep) -> Response:
    """The draft in the form, as the preview controls say, for the preview frame."""
    form = read_form(posted.form)
    try:
        shown = drafts.preview_draft(
            site.app.issue_desk(), slug, form.document, _who(form.preview), compiled_cache(site)
        )
    except MailerError as exc:
        return _no_preview(site, sentence(exc))
    return _frame(site, shown.message.html)


@router.get(f"{EDIT}/preview")
def preview_saved(slug: str, session: SignedIn, lang: str = "", *, site: SiteDep) -> Response:
    """The current revision in ``lang``: the frame's first picture, before any typing."""
    try:
        shown = drafts.preview_current(
            site.app.issue_desk(), slug, drafts.PreviewAs(language=lang), compiled_cache(site)
        )
    except MailerError as exc:
        return _no_preview(site, sentence(exc))
    return _frame(site, shown.message.html)


@router.get(f"{EDIT}/people")
def people(
    slug: str, request: Request, session: SignedIn, q: str = "", *, site: SiteDep
) -> Response:
    found = drafts.find_people(site.app.issue_desk(), q[:200])
    return JSONResponse(
        [{"email": r.email, "country": r.country, "language": r.language} for r in found]
    )
