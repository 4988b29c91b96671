"""The translation pages without a browser: the download is an attachment that polib opens,
a POST needs the session's CSRF token, a file of another issue, no file, a wrong language or a
review of an empty field are refused with a message that says which, and a check stores
nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import polib
import pytest

from mailer import issues
from mailer.app import App
from mailer.issues import translations
from tests.web.test_staff_support import SLUG, add_people, add_staff, make_app, signed_in, text_of

PAGE = f"/staff/issues/{SLUG}/translations"
UPLOAD = "/staff/translations/upload"
TITLE = "items.fathers-clubs-georgia.title"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    add_people(made, tmp_path)
    issues.import_folder(made.database, tmp_path / "campaigns" / SLUG, now=made.clock())
    return made


def test_download_check_import_and_refusals(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            page = await http.get(PAGE)
            assert page.status_code == 200
            assert f'href="{PAGE}/ka/po"' in page.text
            download = await http.get(f"{PAGE}/ka/po")
            assert download.status_code == 200
            assert download.headers["content-disposition"] == (
                f"attachment; filename*=UTF-8''{SLUG}.ka.po"
            )
            assert download.headers["content-type"].startswith("text/x-gettext-translation")
            po = polib.pofile(download.text)
            next(e for e in po if e.msgctxt == TITLE).msgstr = "ახალი სათაური"
            data = str(po).encode()

            def sent(name: str, body: bytes, **fields: str):  # type: ignore[no-untyped-def]
                form = {"csrf": csrf, "slug": SLUG, **fields}
                return http.post(UPLOAD, data=form, files={"file": (name, body, "text/plain")})

            checked = await sent("ka.po", data, dry_run="1")
            assert checked.status_code == 200
            assert "Checked: nothing stored yet" in text_of(checked.text, "report-title")
            assert issues.get_issue(app.issue_desk(), SLUG).revision == 1

            other = await sent("ka.po", data.replace(SLUG.encode(), b"2027-01-other"))
            assert other.status_code == 400
            assert "is a file of issue '2027-01-other', not of" in text_of(
                other.text, "translation-error"
            )
            german = await sent("de.po", data.replace(b"Language: ka", b"Language: de"))
            assert german.status_code == 400
            assert "'de' is not a target language of this issue" in text_of(
                german.text, "translation-error"
            )
            next(e for e in po if e.msgctxt == "content.intro").msgstr = "ძვირფასო კოლეგებო"
            lost = await sent("ka.po", str(po).encode())
            assert lost.status_code == 400
            assert "Refused: nothing of the file was stored" in text_of(lost.text, "report-title")
            assert "content.intro the translation lost link to https://" in text_of(
                lost.text, "import-report"
            )
            empty = await http.post(UPLOAD, data={"csrf": csrf, "slug": SLUG})
            assert empty.status_code == 400
            assert "Choose a file to upload." in empty.text
            forged = await http.post(
                UPLOAD, data={"slug": SLUG}, files={"file": ("ka.po", data, "text/plain")}
            )
            assert forged.status_code == 403, forged.text[:300]
            assert issues.get_issue(app.issue_desk(), SLUG).revision == 1

            done = await sent("ka.po", data, dry_run="0")
            assert "Imported as revision 2" in text_of(done.text, "report-title")
            states = {f.id: f.state for f in translations.states(app.issue_desk(), SLUG)["ka"]}
            assert states[TITLE] == "draft"

            editor = await http.get(f"/staff/issues/{SLUG}/edit")
            assert f'data-review="ka|{TITLE}"' in editor.text
            reviewed = await http.post(
                f"{PAGE}/review", data={"csrf": csrf, "review": f"ka|{TITLE}"}
            )
            assert reviewed.status_code == 303
            assert reviewed.headers["location"].endswith("/edit?lang=ka#texts")
            nothing = await http.post(
                f"{PAGE}/review", data={"csrf": csrf, "review": "ka|items.nope.title"}
            )
            assert nothing.status_code == 404
            assert "items.nope.title" in nothing.text
            unknown = await http.get(f"{PAGE}/de/xliff")
            assert unknown.status_code == 400
            assert "'de' is not a target language" in text_of(unknown.text, "translation-error")

    asyncio.run(scenario())
    states = {f.id: f.state for f in translations.states(app.issue_desk(), SLUG)["ka"]}
    assert states[TITLE] == "reviewed"
