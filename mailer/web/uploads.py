"""An uploaded CSV or JSON Lines file, imported through the importer (staff UI and API)."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from starlette.datastructures import UploadFile

from mailer.app import App
from mailer.config import Settings
from mailer.errors import ImportFileError
from mailer.importer import ImportReport, import_file
from mailer.importer.apply import ImportOptions


def upload_cap(settings: Settings) -> int:
    """The largest upload body: ``web.max_upload_bytes``, or ``importer.max_bytes`` if smaller."""
    cap, importer = settings.web.max_upload_bytes, settings.importer.max_bytes
    return min(cap, importer) if importer > 0 else cap


def upload_name(upload: UploadFile) -> str:
    """The uploaded file's own name, reduced to safe characters (it names the consent source)."""
    name = Path(upload.filename or "upload.csv").name
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")[:100]
    return cleaned or "upload.csv"


def import_upload(app: App, upload: UploadFile, options: ImportOptions) -> ImportReport:
    """Copy the upload to a private temporary folder under its own name, then import it."""
    name = upload_name(upload)
    with tempfile.TemporaryDirectory(prefix="mailer-import-") as folder:
        path = Path(folder) / name
        upload.file.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        try:
            report = import_file(app.database, path, options, now=app.clock)
        except ImportFileError as exc:
            raise ImportFileError(name, exc.reason) from None
    report.path = name
    return report
