"""``/staff/approaches/new`` and ``/staff/approaches/<slug>``: the approach editor, in the
issue editor's style (docs/approaches.md, "For staff"): a language tab each, the kind's own
fields (an event's times and registration, a call's deadline), the state, an image uploaded
through the issue editor's image store, and the card as a newsletter shows it, in a
sandboxed frame. A save names its base revision; a stale one stores nothing and the page
comes back (409) with the conflict panel and the person's text kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from markupsafe import escape

from mailer import approaches
from mailer.approaches.editing import ApproachConflict, save_or_conflict
from mailer.core.approaches import KINDS, STATES, check_approach
from mailer.core.problems import Problem
from mailer.errors import InvalidValue, MailerError, NotAllowed, NotFound
from mailer.issues.approach_cards import card_preview
from mailer.web.staff.approach_form import (
    ApproachForm,
    extra_json,
    languages_in,
    read_approach_form,
)
from mailer.web.staff.editor import COMMON_ZONES
from mailer.web.staff.editor_preview import frame_policy
from mailer.web.staff.library import LIBRARY
from mailer.web.staff.library_translations import translation_states
from mailer.web.staff.session import PostedForm, Session, SignedIn
from mailer.web.staff.site import Site, SiteDep, sentence

NEW = f"{LIBRARY}/new"
ONE = f"{LIBRARY}/{{slug}}"
RESERVED = {"new"}
router = APIRouter()


def _by_key(problems: list[Problem]) -> dict[str, list[Problem]]:
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        found.setdefault(problem.key, []).append(problem)
    return found


def draw(
    site: Site,
    session: Session,
    slug: str,
    document: dict[str, Any],
    *,
    view: approaches.ApproachView | None,
    base_revision: int,
    status: int = 200,
    conflict: ApproachConflict | None = None,
    error: str = "",
    saved: bool = False,
    languages: str = "",
) -> Response:
    # a blank new approach has nothing to check yet
    problems = check_approach(slug or "new", document) if view or error else []
    return site.page(
        "approach_editor.html.j2",
        status=status,
        session=session,
        slug=slug,
        new=view is None,
        view=view,
        document=document,
        languages=languages_in(document, languages),
        extra=extra_json(document),
        base_revision=base_revision,
        by_key=_by_key(problems),
        problems=problems,
        conflict=conflict,
        error=error,
        saved=saved,
        zones=COMMON_ZONES,
        kinds=KINDS,
        states=STATES,
        text_of=lambda key: ", ".join(document.get(key, []) or []),
        tstates=translation_states(site, slug) if view else {},
    )


@router.get(NEW)
def new_page(request: Request, session: SignedIn, *, site: SiteDep) -> Response:
    blank: dict[str, Any] = {"kind": "approach", "state": "draft", "content": {}}
    return draw(site, session, "", blank, view=None, base_revision=0, languages="en, ru")


@router.post(NEW)
def create(request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    form = read_approach_form(posted.form)
    try:
        if form.slug in RESERVED:
            raise InvalidValue("slug", f"{form.slug!r} is a word of the page; choose another")
        approaches.create_approach(
            site.app.database,
            form.slug,
            form.document,
            by=posted.session.account.actor,
            now=site.app.clock(),
            message=form.message or None,
        )
    except MailerError as exc:
        status = 403 if isinstance(exc, NotAllowed) else 400
        return _again(site, posted.session, form, status=status, error=sentence(exc))
    return RedirectResponse(f"{LIBRARY}/{form.slug}?saved=1", status_code=303)


def _again(
    site: Site,
    session: Session,
    form: ApproachForm,
    *,
    status: int,
    error: str = "",
    view: approaches.ApproachView | None = None,
    conflict: ApproachConflict | None = None,
) -> Response:
    """The page again with the person's text (a refused create or save, a conflict)."""
    return draw(
        site,
        session,
        form.slug if view is None else view.slug,
        form.document,
        view=view,
        base_revision=form.base_revision,
        status=status,
        conflict=conflict,
        error=error,
        languages=", ".join(form.document.get("content", {})),
    )


@router.get(ONE)
def edit_page(
    slug: str, request: Request, session: SignedIn, saved: str = "", *, site: SiteDep
) -> Response:
    try:
        view = approaches.get_approach(site.app.database, slug)
    except NotFound as exc:
        return site.error(request, 404, str(exc))
    return draw(
        site,
        session,
        slug,
        dict(view.document),
        view=view,
        base_revision=view.revision,
        saved=bool(saved),
        languages=request.query_params.get("languages", "")[:100],
    )


@router.post(ONE)
def save(slug: str, request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    """Save the form as the next revision; stale: the page with the conflict panel (409)."""
    form = read_approach_form(posted.form)
    overwrite = posted.text("overwrite")
    base = int(overwrite) if overwrite.isdigit() and len(overwrite) < 10 else form.base_revision
    try:
        view = approaches.get_approach(site.app.database, slug)
    except NotFound as exc:
        return site.error(request, 404, str(exc))
    script = request.headers.get("x-editor") == "save"  # the page's autosave: JSON back
    now = site.app.clock()
    try:
        done = save_or_conflict(
            site.app.database,
            slug,
            form.document,
            base_revision=base,
            by=posted.session.account.actor,
            now=now,
            message=form.message or None,
        )
    except MailerError as exc:
        status = 403 if isinstance(exc, NotAllowed) else 400
        if script:
            return JSONResponse({"error": sentence(exc)}, status_code=status)
        return _again(site, posted.session, form, status=status, error=sentence(exc), view=view)
    if isinstance(done, ApproachConflict):
        if script:
            answer = {"current": done.current, "author": done.author}
            return JSONResponse(answer, status_code=412)
        return _again(site, posted.session, form, status=409, view=view, conflict=done)
    if script:
        return JSONResponse({"revision": done.revision, "saved_at": f"{now:%H:%M}"})
    return RedirectResponse(f"{LIBRARY}/{slug}?saved={done.revision}", status_code=303)


def _frame(site: Site, html: str) -> HTMLResponse:
    headers = {"Content-Security-Policy": frame_policy(site), "X-Frame-Options": "SAMEORIGIN"}
    return HTMLResponse(html, headers=headers)


def _card(
    site: Site, slug: str, document: dict[str, Any], language: str, revision: int
) -> Response:
    intro = "…"  # the card is what matters; the issue's own words would be in one language
    try:
        html = card_preview(
            site.app.issue_desk(), slug or "new", document, language, revision=revision, intro=intro
        )
    except MailerError as exc:
        html = (
            '<!doctype html><meta charset="utf-8"><body style="font:15px sans-serif;'
            f'color:#5b6474;padding:1rem"><p id="no-preview">{escape(str(exc))}</p>'
        )
    return _frame(site, html)


@router.post(f"{NEW}/preview")
def preview_new(posted: PostedForm, *, site: SiteDep) -> Response:
    form = read_approach_form(posted.form)
    return _card(site, form.slug, form.document, form.preview_lang, 0)


@router.post(f"{ONE}/preview")
def preview_posted(slug: str, posted: PostedForm, *, site: SiteDep) -> Response:
    """The card of the form as it is typed, in the preview's language."""
    form = read_approach_form(posted.form)
    return _card(site, slug, form.document, form.preview_lang, form.base_revision)


@router.get(f"{ONE}/preview")
def preview_saved(slug: str, session: SignedIn, lang: str = "", *, site: SiteDep) -> Response:
    """The current revision's card: the frame's first picture."""
    try:
        view = approaches.get_approach(site.app.database, slug)
    except NotFound as exc:
        return _frame(site, f"<p>{escape(str(exc))}</p>")
    language = lang or next(iter(view.document.get("content", {}) or {"en": 0}))
    return _card(site, slug, dict(view.document), language[:35], view.revision)
