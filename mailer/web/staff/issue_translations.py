"""An issue's translations for staff who never edit TOML: ``/staff/issues/<slug>/translations``
(each target language's states, a download per language as XLIFF 2.0 or PO, an upload with
"check only"), the upload itself at ``/staff/translations/upload`` (multipart, so it has a
fixed path the body guard knows) and "mark reviewed" from the editor
(docs/translations-round-trip.md)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from mailer.core.translation_units import STATES
from mailer.errors import MailerError
from mailer.issues import translations
from mailer.issues.translations import TranslationImport
from mailer.render.translation_files import FORMATS
from mailer.web.staff.issues import ISSUES, issue_url, status_of
from mailer.web.staff.session import PostedForm, Session, SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep

TRANSLATION_UPLOADS = f"{PREFIX}/translations/upload"
MAX_FILE_BYTES = 4 * 1024 * 1024  # an issue is at most 1 MB; its file has source, target, notes
router = APIRouter()


def _page(
    site: Site,
    request: Request,
    session: Session,
    slug: str,
    *,
    status: int = 200,
    report: TranslationImport | None = None,
    error: str = "",
) -> Response:
    try:
        by_language = translations.states(site.app.issue_desk(), slug)
    except MailerError as exc:
        return site.error(request, status_of(exc), str(exc))
    counts = {
        language: Counter(f.state for f in fields) for language, fields in by_language.items()
    }
    return site.page(
        "issue_translations.html.j2",
        status=status,
        session=session,
        slug=slug,
        by_language=by_language,
        counts=counts,
        states=STATES,
        formats=FORMATS,
        report=report,
        error=error,
    )


@router.get(f"{ISSUES}/{{slug}}/translations")
def translations_page(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    return _page(site, request, session, slug)


@router.get(f"{ISSUES}/{{slug}}/translations/{{language}}/{{form}}")
def download(
    slug: str, language: str, form: str, request: Request, session: SignedIn, site: SiteDep
) -> Response:
    """The file for translators, as an attachment."""
    try:
        file = translations.export_file(site.app.issue_desk(), slug, language, form)
    except MailerError as exc:
        return _page(site, request, session, slug, status=status_of(exc), error=str(exc))
    disposition = f"attachment; filename*=UTF-8''{quote(file.name)}"
    return Response(
        file.text.encode(),
        media_type=f"{file.media_type}; charset=utf-8",
        headers={"Content-Disposition": disposition},
    )


@router.post(TRANSLATION_UPLOADS)
def upload(request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    """Check (``dry_run``) or import a translator's file into the issue ``slug``."""
    slug = posted.text("slug")
    words = site.texts(posted.session.language)["translations"]
    sent = posted.form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return _page(site, request, posted.session, slug, status=400, error=words["no_file"])
    data = sent.file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        error = words["too_large"].format(limit=f"{MAX_FILE_BYTES:,}")
        return _page(site, request, posted.session, slug, status=413, error=error)
    try:
        done = translations.import_file(
            site.app.issue_desk(),
            data,
            sent.filename,
            by=posted.session.account.actor,
            now=site.app.clock(),
            dry_run=posted.text("dry_run") == "1",
            slug=slug,
        )
    except MailerError as exc:
        return _page(site, request, posted.session, slug, status=status_of(exc), error=str(exc))
    status = 400 if done.refused else 200
    return _page(site, request, posted.session, slug, status=status, report=done)


@router.post(f"{ISSUES}/{{slug}}/translations/review")
def review(slug: str, request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    """Mark one field of one language reviewed (``review``: ``ka|items.clubs.title``), back
    to the editor on that language's tab."""
    language, _, field_id = posted.text("review").partition("|")
    try:
        translations.mark_reviewed(
            site.app.issue_desk(),
            slug,
            language,
            field_id,
            by=posted.session.account.actor,
            now=site.app.clock(),
        )
    except MailerError as exc:
        return site.error(request, status_of(exc), str(exc), back=f"{issue_url(slug)}/edit")
    return RedirectResponse(f"{issue_url(slug)}/edit?lang={quote(language)}#texts", 303)
