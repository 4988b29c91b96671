"""``POST /api/v1/subscribers/import``: a CSV (or JSON Lines) upload through the importer.

The token is checked before the body is read (401/403), then the body is capped (413) before it
is parsed: ``web.max_upload_bytes`` or ``importer.max_bytes``, whichever is smaller. The answer
is the import report, with every invalid row and field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, Field

from mailer.access.api_tokens import ApiToken
from mailer.core.text import text_encoding
from mailer.errors import InvalidValue
from mailer.importer import ImportReport
from mailer.importer.apply import ImportOptions
from mailer.importer.reader import ENCODINGS, ColumnKind
from mailer.web.api.auth import PREFIX, needs
from mailer.web.api.errors import responses
from mailer.web.api.models import Name
from mailer.web.context import AppDep
from mailer.web.uploads import import_upload as run_import
from mailer.web.uploads import upload_cap

MAX_ENCODING = 40
ENCODING_HELP = (
    "The file's encoding, as in the staff form: utf-8, cp1251 (Excel's Cyrillic CSV), utf-16 "
    "(Excel's Unicode text) or iso-8859-5; any other Python codec name works too. Empty: "
    "UTF-8 (with or without a byte-order mark), and a file in another encoding is refused with "
    "the one it looks like."
)


class RowError(BaseModel):
    row: int | None = Field(description="Line of the file (1 is the header of a CSV).")
    field: str
    error: str


class ColumnOut(BaseModel):
    column: str = Field(description="The column's name in the file's header (or a JSON key).")
    kind: ColumnKind
    target: str = Field(description="The field, or the attribute's name; `*`: each key.")


class ImportResult(BaseModel):
    file: str
    list_name: str
    list_created: bool
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    suppressed: int = Field(description="Rows skipped: suppressed or unsubscribed addresses.")
    invalid_rows: int
    invalid: list[RowError]
    ignored_columns: list[str]
    encoding: str = Field(description="The encoding the file was read in.")
    columns: list[ColumnOut] = Field(
        description="Where each column went (CSV; for JSON Lines, the keys of the first rows)."
    )


def _result(report: ImportReport) -> ImportResult:
    return ImportResult(
        file=report.path,
        list_name=report.list_name,
        list_created=report.list_created,
        dry_run=report.dry_run,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        suppressed=report.suppressed,
        invalid_rows=report.invalid_rows,
        invalid=[RowError(row=p.row, field=p.field, error=p.error) for p in report.invalid],
        ignored_columns=report.ignored_columns,
        encoding=report.encoding,
        columns=[ColumnOut(column=m.column, kind=m.kind, target=m.target) for m in report.mapping],
    )


router = APIRouter(prefix=PREFIX, tags=["subscribers"])
WRITE = needs("subscribers:write")


@router.post(
    "/subscribers/import",
    response_model=ImportResult,
    responses=responses(401, 403, 413, 422),
)
def import_upload(
    file: Annotated[UploadFile, File(description="CSV or JSON Lines; `email` column.")],
    list_name: Annotated[Name, Form(alias="list", min_length=1)],
    status: Annotated[Literal["active", "unconfirmed"], Form()] = "active",
    dry_run: Annotated[bool, Form()] = False,
    encoding: Annotated[
        str | None,
        Form(
            max_length=MAX_ENCODING,
            description=ENCODING_HELP,
            json_schema_extra={"examples": list(ENCODINGS)},
        ),
    ] = None,
    token: ApiToken = WRITE,
    *,
    app: AppDep,
) -> ImportResult:
    """Import subscribers from an uploaded file into a list (created if missing), as
    `mailer subscribers import` does. Scope: `subscribers:write`.

    Columns: email (required), name, country, language, interests (`;`-separated); any
    other column becomes an attribute. A bad row is skipped and reported with its line and
    field; the good rows are stored. `dry_run` validates and counts, storing nothing."""
    if not list_name.strip():
        raise InvalidValue("list", "is empty")
    if encoding and text_encoding(encoding) is None:
        raise InvalidValue("encoding", f"{encoding!r} is not a known text encoding")
    settings = app.settings.importer
    options = ImportOptions(
        list_name=list_name.strip(),
        status=status,
        dry_run=dry_run,
        encoding=encoding or None,
        batch_size=settings.batch_size,
        max_bytes=upload_cap(app.settings),
    )
    report = run_import(app, file, options)
    return _result(report)
