"""``/staff/subscribers/import``: upload a CSV (or JSON Lines) file into a list in two steps.

**Check** (a dry run) reads every row and shows the counts, the bad rows, the column mapping
(which column became which field; columns that are no known field are named, kept as
attributes) and the first rows as they will be stored; the upload is kept under a random
token. **Import** then imports that same file. A POST with a file and no dry run imports at
once (scripts and the old form).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from mailer.core.subscribers import IMPORT_STATUSES
from mailer.errors import ImportFileError, InvalidValue, MailerError
from mailer.importer.apply import ImportOptions, ImportReport
from mailer.importer.reader import ENCODINGS
from mailer.subscriptions.lists import list_lists
from mailer.web.staff.session import PostedForm, Session, SignedIn
from mailer.web.staff.site import UPLOADS, Site, SiteDep, sentence
from mailer.web.uploads import discard_staged, import_staged, stage_upload, staged_file, upload_cap
from mailer.web.uploads import import_upload as run_import

PATH = UPLOADS
PREVIEW_ROWS = 10
# A problem whose message goes on from the field's name ("is missing", "must be text").
PREDICATE = re.compile(r"^(is|are|contains|must|has|have|appears|cannot|does)\b")
LOOKS_LIKE = re.compile(r"it looks like ([\w-]+)")
CLI_HINTS = (  # the reader's advice names the CLI option; the form has a choice instead
    (re.compile(r" \(--encoding, e\.g\. [^)]*\)"), ""),
    (re.compile(r"pass --encoding (\S+)"), r"choose \1"),
    (re.compile(r" \(--encoding\)"), ""),
)


router = APIRouter()


def row_sentence(t: dict[str, str], field: str, message: str) -> str:
    """One row problem as a sentence: "Email is missing.", "This row has 5 fields …"."""
    text = message.rstrip(".")
    if PREDICATE.match(text):
        subject = field.capitalize() if field else t["this_row"]
        return f"{subject} {text}."
    return f"{text[:1].upper()}{text[1:]}."


def file_sentence(t: dict[str, str], exc: ImportFileError) -> str:
    reason = exc.reason
    for pattern, replacement in CLI_HINTS:
        reason = pattern.sub(replacement, reason)
    return t["file_error"].format(file=exc.path, reason=reason)


def form_page(
    site: Site,
    session: Session,
    *,
    code: int = 200,
    error: str = "",
    values: dict[str, Any] | None = None,
    report: ImportReport | None = None,
    staged: str = "",
) -> Response:
    t = site.texts(session.language)["import"]
    return site.page(
        "import.html.j2",
        status=code,
        session=session,
        error=error,
        report=report,
        staged=staged,
        problems=[(p, row_sentence(t, p.field, p.error)) for p in report.invalid] if report else [],
        lists=list_lists(site.app.database),
        statuses=IMPORT_STATUSES,
        encodings=ENCODINGS,
        values={"list": "", "status": "", "encoding": "", "dry_run": False, **(values or {})},
    )


@router.get(PATH)
def import_form(session: SignedIn, site: SiteDep) -> Response:
    return form_page(site, session)


def _options(form: PostedForm, site: Site, t: dict[str, str], *, dry_run: bool) -> ImportOptions:
    list_name, status, encoding = form.text("list"), form.text("status"), form.text("encoding")
    if not list_name:
        raise InvalidValue("list", t["no_list"])
    if status not in IMPORT_STATUSES:
        raise InvalidValue("status", t["bad_status"].format(choices=", ".join(IMPORT_STATUSES)))
    return ImportOptions(
        list_name=list_name,
        status=status,
        batch_size=site.app.settings.importer.batch_size,
        max_bytes=upload_cap(site.app.settings),
        encoding=encoding if encoding in ENCODINGS else None,
        dry_run=dry_run,
        preview_rows=PREVIEW_ROWS if dry_run else 0,
    )


@router.post(PATH)
def import_upload(request: Request, form: PostedForm, site: SiteDep) -> Response:
    t = site.words(request)["import"]
    token, dry_run = form.text("staged"), form.text("dry_run") == "yes"
    values = {
        "list": form.text("list"),
        "status": form.text("status"),
        "encoding": form.text("encoding") if form.text("encoding") in ENCODINGS else "",
        "dry_run": dry_run and not token,
    }
    staged = ""
    try:
        options = _options(form, site, t, dry_run=dry_run and not token)
        if token:  # the Import step after a check: the same file, stored this time
            path = staged_file(token)
            if path is None:
                raise InvalidValue("file", t["stage_gone"])
            report = import_staged(site.app, path, options)
            discard_staged(token)
            return form_page(site, form.session, values=values, report=report)
        upload = form.form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidValue("file", t["no_file"])
        cap = upload_cap(site.app.settings)
        if (upload.size or 0) > cap:
            raise InvalidValue("file", t["too_big"].format(limit=cap))
        if not dry_run:
            report = run_import(site.app, upload, options)
            return form_page(site, form.session, values=values, report=report)
        staged, path = stage_upload(upload)
        report = import_staged(site.app, path, options)
    except ImportFileError as exc:
        discard_staged(staged)
        error = file_sentence(t, exc)
        suggested = LOOKS_LIKE.search(exc.reason)
        if suggested and suggested.group(1) in ENCODINGS and not values["encoding"]:
            values["encoding"] = suggested.group(1)  # chosen for the next try, and said so
            error += " " + t["encoding_chosen"].format(encoding=suggested.group(1))
        return form_page(site, form.session, code=400, error=error, values=values)
    except InvalidValue as exc:
        discard_staged(staged)
        return form_page(site, form.session, code=400, error=exc.message, values=values)
    except MailerError as exc:
        discard_staged(staged)
        return form_page(site, form.session, code=400, error=sentence(exc), values=values)
    return form_page(site, form.session, values=values, report=report, staged=staged)
