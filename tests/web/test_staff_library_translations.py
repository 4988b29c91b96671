"""The library's translations without a browser (SQLite and PostgreSQL): the library page
links the approaches it shows to their translations page, whose download is an attachment
polib opens; an upload is checked, refused with the problem named, or imported as a new
revision of each approach; the approach editor shows each field's state with "Mark
reviewed", and a source edit makes it stale."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import polib
import pytest

from mailer import approaches
from mailer.app import App
from mailer.approaches import translations
from mailer.core.issue_workflow import Actor
from tests.web.test_staff_library import library_app
from tests.web.test_staff_support import signed_in, text_of

CLUBS = "fathers-clubs-kakheti"
OSH = "peer-exchange-osh"
PAGE = "/staff/library/translations"
UPLOAD = f"{PAGE}/upload"
TITLE = f"approaches.{CLUBS}.title"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    return library_app(db_url, tmp_path)


def ka_states(app: App) -> dict[str, str]:
    found = translations.states(app.database, [CLUBS])[CLUBS]["ka"]
    return {f.field: f.state for f in found}


def test_download_check_import_review_and_refusals(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            library = await http.get("/staff/approaches", params={"q": "Kakheti"})
            assert f'href="{PAGE}?slug={CLUBS}"' in library.text
            page = await http.get(PAGE, params=[("slug", CLUBS), ("slug", OSH)])
            assert page.status_code == 200
            assert "Approaches in the file (2)" in text_of(page.text, "download-title")
            download = await http.get(
                f"{PAGE}/file",
                params=[("slug", CLUBS), ("slug", OSH), ("lang", "ka"), ("format", "po")],
            )
            assert download.status_code == 200
            assert download.headers["content-disposition"] == (
                "attachment; filename*=UTF-8''approaches-2.ka.po"
            )
            assert download.headers["content-type"].startswith("text/x-gettext-translation")
            po = polib.pofile(download.text)
            assert {e.msgctxt.split(".")[1] for e in po} == {CLUBS, OSH}
            next(e for e in po if e.msgctxt == TITLE).msgstr = "მამათა კლუბები"
            data = str(po).encode()

            def sent(name: str, body: bytes, **fields: str) -> Any:
                form = {"csrf": csrf, "slugs": f"{CLUBS},{OSH}", **fields}
                return http.post(UPLOAD, data=form, files={"file": (name, body, "text/plain")})

            before = approaches.get_approach(app.database, CLUBS).revision
            checked = await sent("ka.po", data, dry_run="1")
            assert checked.status_code == 200
            assert "Checked: nothing stored yet" in text_of(checked.text, "report-title")
            assert approaches.get_approach(app.database, CLUBS).revision == before

            english = await sent("en.po", data.replace(b"Language: ka", b"Language: en"))
            assert english.status_code == 400
            assert "is the library's source language" in text_of(english.text, "translation-error")
            broken = await sent("ka.xlf", b"<xliff><file>")
            assert broken.status_code == 400
            assert "ka.xlf: is not well-formed XML" in text_of(broken.text, "translation-error")
            lost = await sent("ka.po", data.replace(TITLE.encode(), b"approaches.gone.title"))
            assert lost.status_code == 400
            assert "Refused: nothing of the file was stored" in text_of(lost.text, "report-title")
            assert "approaches.gone.title is not a field of this set of approaches" in text_of(
                lost.text, "import-report"
            )
            empty = await http.post(UPLOAD, data={"csrf": csrf, "slugs": CLUBS})
            assert empty.status_code == 400
            assert "Choose a file to upload." in empty.text
            forged = await http.post(
                UPLOAD, data={"slugs": CLUBS}, files={"file": ("ka.po", data, "text/plain")}
            )
            assert forged.status_code == 403

            done = await sent("ka.po", data, dry_run="0")
            assert done.status_code == 200
            assert f"{CLUBS} #{before + 1}" in text_of(done.text, "report-title")
            view = approaches.get_approach(app.database, CLUBS)
            assert view.document["content"]["ka"]["title"] == "მამათა კლუბები"
            assert ka_states(app)["title"] == "draft"

            editor = await http.get(f"/staff/approaches/{CLUBS}")
            assert 'data-review="ka|title"' in editor.text
            assert 'data-tstate="ka|title"' in editor.text
            reviewed = await http.post(
                f"/staff/approaches/{CLUBS}/translations/review",
                data={"csrf": csrf, "review": "ka|title"},
            )
            assert reviewed.status_code == 303
            assert reviewed.headers["location"] == f"/staff/approaches/{CLUBS}?lang=ka"
            assert ka_states(app)["title"] == "reviewed"
            nothing = await http.post(
                f"/staff/approaches/{CLUBS}/translations/review",
                data={"csrf": csrf, "review": "ka|organisation"},
            )
            assert nothing.status_code == 404

            unknown = await http.get(f"{PAGE}/file", params=[("slug", "no-such"), ("lang", "ka")])
            assert unknown.status_code == 404
            assert "no-such" in text_of(unknown.text, "translation-error")

    asyncio.run(scenario())
    # an English edit (from anywhere) makes the reviewed translation stale in the editor
    view = approaches.get_approach(app.database, CLUBS)
    document = dict(view.document)
    document["content"] = {**document["content"], "en": {**document["content"]["en"]}}
    document["content"]["en"]["title"] = "Fathers' clubs in Kakheti, 2027"
    approaches.save_approach(
        app.database,
        CLUBS,
        document,
        base_revision=view.revision,
        by=Actor("eda@example.org", "editor"),
        now=app.clock(),
    )
    assert ka_states(app)["title"] == "stale"

    async def editor() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get(f"/staff/approaches/{CLUBS}")
            assert 'id="stale-ka"' in page.text
            assert 'data-review="ka|title"' in page.text

    asyncio.run(editor())
