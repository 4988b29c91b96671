"""An uploaded CSV or JSON Lines file, imported through the importer (staff UI and API)."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
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


# A checked upload waits this long for its Import step (then the next check removes it).
STAGED_SECONDS = 3600
STAGED_TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")


def _staging_root() -> Path:
    root = Path(tempfile.gettempdir()) / "mailer-staged-imports"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def _expired(folder: Path) -> bool:
    """Older than ``STAGED_SECONDS``, or gone already (another request's clean-up)."""
    try:
        return folder.stat().st_mtime < time.time() - STAGED_SECONDS
    except FileNotFoundError:
        return True


def stage_upload(upload: UploadFile) -> tuple[str, Path]:
    """Keeps an upload for the Import step after its dry run: a private folder named by an
    unguessable token. Returns the token and the file's path; older stages are removed."""
    root = _staging_root()
    for old in root.iterdir():
        if _expired(old):
            shutil.rmtree(old, ignore_errors=True)
    token = secrets.token_urlsafe(18)
    folder = root / token
    folder.mkdir(mode=0o700)
    path = folder / upload_name(upload)
    upload.file.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out)
    return token, path


def staged_file(token: str) -> Path | None:
    """The file kept under ``token``, or None when the token is malformed, unknown or expired."""
    if not STAGED_TOKEN.fullmatch(token):
        return None
    folder = _staging_root() / token
    if not folder.is_dir() or _expired(folder):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    try:
        files = sorted(folder.iterdir())
    except FileNotFoundError:
        return None
    return files[0] if files else None


def discard_staged(token: str) -> None:
    if STAGED_TOKEN.fullmatch(token):
        shutil.rmtree(_staging_root() / token, ignore_errors=True)


def import_staged(app: App, path: Path, options: ImportOptions) -> ImportReport:
    """Import a staged file (its folder is the caller's to discard)."""
    try:
        report = import_file(app.database, path, options, now=app.clock)
    except ImportFileError as exc:
        raise ImportFileError(path.name, exc.reason) from None
    report.path = path.name
    return report


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
