"""Library approaches for translators, from the library page (docs/translations-round-trip.md,
"Library approaches"): ``/staff/library/translations?slug=a&slug=b`` (the approaches chosen
on the library page; none: every published one) shows each language's states and offers the
file (``…/file?lang=ka&format=xliff``); the upload is at ``/staff/library/translations/upload``
(multipart, a fixed path the body guard knows). "Mark reviewed" from the approach editor is
``POST /staff/approaches/<slug>/translations/review``. Every action is one use case of
``mailer.approaches.translations``."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from mailer.approaches import translations
from mailer.approaches.translations import ApproachesImport
from mailer.core.translation_units import STATES
from mailer.errors import MailerError
from mailer.render.translation_files import FORMATS
from mailer.web.staff.issues import status_of
from mailer.web.staff.library import LIBRARY
from mailer.web.staff.session import PostedForm, Session, SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep

PAGE = f"{PREFIX}/library/translations"
LIBRARY_TRANSLATION_UPLOADS = f"{PAGE}/upload"
MAX_FILE_BYTES = 4 * 1024 * 1024  # as an issue's file (issue_translations.py)
router = APIRouter()


def translation_states(site: Site, slug: str) -> dict[str, str]:
    """The approach's fields' states for the editor: ``{"ka|title": "stale"}``."""
    try:
        found = translations.states(site.app.database, [slug]).get(slug, {})
    except MailerError:
        return {}
    return {f"{lang}|{f.field}": f.state for lang, fields in found.items() for f in fields}


def _slugs(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))[:500]


def _page(
    site: Site,
    request: Request,
    session: Session,
    slugs: list[str],
    *,
    status: int = 200,
    report: ApproachesImport | None = None,
    error: str = "",
) -> Response:
    try:
        chosen = translations.chosen(site.app.database, slugs or None)
        by_slug = translations.states(site.app.database, chosen)
    except MailerError as exc:
        chosen, by_slug = [], {}
        error = error or str(exc)
        status = status if status != 200 else status_of(exc)
    counts: dict[str, Counter[str]] = {}
    for languages in by_slug.values():
        for language, fields in languages.items():
            counts.setdefault(language, Counter()).update(f.state for f in fields)
    return site.page(
        "library_translations.html.j2",
        status=status,
        session=session,
        slugs=chosen,
        named=bool(slugs),
        query=urlencode([("slug", s) for s in slugs]),
        counts=dict(sorted(counts.items())),
        states=STATES,
        formats=FORMATS,
        report=report,
        error=error,
    )


@router.get(PAGE)
def translations_page(request: Request, session: SignedIn, site: SiteDep) -> Response:
    return _page(site, request, session, _slugs(request.query_params.getlist("slug")))


@router.get(f"{PAGE}/file")
def download(request: Request, session: SignedIn, site: SiteDep) -> Response:
    """The chosen approaches' file for translators, as an attachment."""
    params = request.query_params
    slugs = _slugs(params.getlist("slug"))
    try:
        file = translations.export_file(
            site.app.database,
            slugs or None,
            params.get("lang", "")[:40],
            params.get("format", "xliff")[:10],
        )
    except MailerError as exc:
        return _page(site, request, session, slugs, status=status_of(exc), error=str(exc))
    return Response(
        file.text.encode(),
        media_type=f"{file.media_type}; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(file.name)}"},
    )


@router.post(LIBRARY_TRANSLATION_UPLOADS)
def upload(request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    """Check (``dry_run``) or import a translator's file of approaches."""
    slugs = _slugs(posted.text("slugs").split(","))
    words = site.texts(posted.session.language)["translations"]
    sent = posted.form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return _page(site, request, posted.session, slugs, status=400, error=words["no_file"])
    data = sent.file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        error = words["too_large"].format(limit=f"{MAX_FILE_BYTES:,}")
        return _page(site, request, posted.session, slugs, status=413, error=error)
    try:
        done = translations.import_file(
            site.app.database,
            data,
            sent.filename,
            by=posted.session.account.actor,
            now=site.app.clock(),
            dry_run=posted.text("dry_run") == "1",
        )
    except MailerError as exc:
        return _page(site, request, posted.session, slugs, status=status_of(exc), error=str(exc))
    status = 400 if done.refused else 200
    return _page(site, request, posted.session, slugs, status=status, report=done)


@router.post(f"{LIBRARY}/{{slug}}/translations/review")
def review(slug: str, request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    """Mark one field of one language reviewed (``review``: ``ka|title``), back to the
    approach editor on that language's tab."""
    language, _, field = posted.text("review").partition("|")
    back = f"{LIBRARY}/{quote(slug)}"
    try:
        translations.mark_reviewed(
            site.app.database,
            slug,
            language,
            field,
            by=posted.session.account.actor,
            now=site.app.clock(),
        )
    except MailerError as exc:
        return site.error(request, status_of(exc), str(exc), back=back)
    return RedirectResponse(f"{back}?lang={quote(language)}", 303)
