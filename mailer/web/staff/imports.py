"""``/staff/subscribers/import``: upload a CSV (or JSON Lines) file into a list, then see the
report: created, updated, unchanged, suppressed, and every invalid row with its field."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from mailer.core.subscribers import IMPORT_STATUSES
from mailer.errors import InvalidValue, MailerError
from mailer.importer.apply import ImportOptions, ImportReport
from mailer.subscriptions.lists import list_lists
from mailer.web.staff.session import PostedForm, Session, SignedIn
from mailer.web.staff.site import UPLOADS, Site, SiteDep, sentence
from mailer.web.uploads import import_upload as run_import
from mailer.web.uploads import upload_cap

PATH = UPLOADS
ENCODINGS = ("", "utf-8", "cp1251", "utf-16", "iso-8859-5")  # "": found from the file


router = APIRouter()


def form_page(
    site: Site,
    session: Session,
    *,
    code: int = 200,
    error: str = "",
    list_name: str = "",
    status: str = "",
    report: ImportReport | None = None,
    encoding: str = "",
    dry_run: bool = False,
) -> Response:
    return site.page(
        "import.html.j2",
        status=code,
        session=session,
        error=error,
        report=report,
        lists=list_lists(site.app.database),
        statuses=IMPORT_STATUSES,
        values={"list": list_name, "status": status, "encoding": encoding, "dry_run": dry_run},
    )


@router.get(PATH)
def import_form(session: SignedIn, site: SiteDep) -> Response:
    return form_page(site, session)


@router.post(PATH)
def import_upload(request: Request, form: PostedForm, site: SiteDep) -> Response:
    t = site.words(request)["import"]
    list_name, status = form.text("list"), form.text("status") or "active"
    encoding, dry_run = form.text("encoding"), form.text("dry_run") == "yes"
    if encoding not in ENCODINGS:
        encoding = ""
    upload = form.form.get("file")
    settings = site.app.settings.importer
    try:
        if not list_name:
            raise InvalidValue("list", t["no_list"])
        if status not in IMPORT_STATUSES:
            raise InvalidValue("status", t["bad_status"].format(choices=", ".join(IMPORT_STATUSES)))
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidValue("file", t["no_file"])
        cap = upload_cap(site.app.settings)
        if (upload.size or 0) > cap:
            raise InvalidValue("file", t["too_big"].format(limit=cap))
        options = ImportOptions(
            list_name=list_name,
            status=status,
            batch_size=settings.batch_size,
            max_bytes=cap,
            encoding=encoding or None,
            dry_run=dry_run,
        )
        report = run_import(site.app, upload, options)
    except MailerError as exc:
        # the form's own checks are sentences of their own; other errors name their field
        own = isinstance(exc, InvalidValue) and exc.field in ("list", "status", "file")
        return form_page(
            site,
            form.session,
            code=400,
            error=exc.message if isinstance(exc, InvalidValue) and own else sentence(exc),
            list_name=list_name,
            status=status,
            encoding=encoding,
            dry_run=dry_run,
        )
    return form_page(
        site,
        form.session,
        list_name=list_name,
        status=status,
        report=report,
        encoding=encoding,
        dry_run=dry_run,
    )
