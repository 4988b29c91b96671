"""Spreadsheets as people have them: a semicolon-separated cp1251 CSV from Excel is refused
with the encoding it looks like, checked (a dry run showing the column mapping and the first
rows as they will be stored), then imported with the Import button; errors read as sentences."""

from __future__ import annotations

import asyncio
import codecs
import os
import re
import tempfile
import time
from pathlib import Path

import pytest

from mailer.app import App
from mailer.importer.reader import delimiter_of, suggest_encoding
from mailer.subscriptions import people
from mailer.web.staff.imports import row_sentence
from mailer.web.staff.site import Site
from mailer.web.uploads import STAGED_SECONDS
from tests.web.test_staff_support import add_staff, make_app, signed_in, text_of

EXCEL = (
    "E-mail;name;country;language;interests;Organisation;status\n"
    "ivan@example.org;Иван Петров;BY;ru;research;Центр;active\n"
    "broken@;Пётр;BY;ru;;;\n"
)
STAGED = re.compile(r'name="staged" value="([^"]+)"')


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    return made


def test_delimiters_and_encodings_are_recognised() -> None:
    assert delimiter_of("email;name;country") == ";"
    assert delimiter_of("email\tname") == "\t"
    assert delimiter_of('email,"Name; first",country') == ","
    assert delimiter_of("email") == ","
    assert suggest_encoding(EXCEL.encode("cp1251")) == "cp1251"
    assert suggest_encoding("Петров Ёж".encode("iso-8859-5")) == "iso-8859-5"


def test_a_semicolon_cp1251_csv_through_the_form_after_a_dry_run(app: App) -> None:
    data = EXCEL.encode("cp1251")

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            form = {"csrf": csrf, "list": "members", "status": "active", "dry_run": "yes"}
            upload = {"file": ("excel.csv", data, "text/csv")}
            refused = await http.post("/staff/subscribers/import", data=form, files=upload)
            assert refused.status_code == 400
            error = text_of(refused.text, "import-error")
            assert error.startswith("The file excel.csv cannot be imported: file is not UTF-8")
            assert "it looks like cp1251" in error
            assert "--encoding" not in error  # the form has a choice, not an option

            checked = await http.post(
                "/staff/subscribers/import", data={**form, "encoding": "cp1251"}, files=upload
            )
            assert checked.status_code == 200
            assert text_of(checked.text, "import-created") == "1"
            assert "Nothing has been stored yet" in text_of(checked.text, "import-dry-run-note")
            mapping = text_of(checked.text, "import-mapping")
            assert "E-mail email" in mapping
            assert 'Organisation attribute "Organisation": not a field we know' in mapping
            assert "status ignored: a column of our own export" in mapping
            preview = text_of(checked.text, "import-preview")
            assert "ivan@example.org Иван Петров BY ru research Organisation: Центр" in preview
            assert "3 Will not be imported: email" in preview
            problems = text_of(checked.text, "import-problems")
            assert "3 email 'broken@' is not a valid address: There must be something" in problems
            assert people.count(app.database, status=None) == 0

            token = STAGED.search(checked.text)
            assert token is not None
            confirm = {"csrf": csrf, "staged": token.group(1), "list": "members"}
            confirm |= {"status": "active", "encoding": "cp1251"}
            stored = await http.post("/staff/subscribers/import", data=confirm)
            assert stored.status_code == 200
            assert text_of(stored.text, "import-created") == "1"
            again = await http.post("/staff/subscribers/import", data=confirm)
            assert again.status_code == 400
            assert "no longer kept" in text_of(again.text, "import-error")

            excel = await http.get("/staff/subscribers/export.csv", params={"excel": "yes"})
            assert excel.content.startswith(codecs.BOM_UTF8)
            assert "Иван Петров" in excel.content.decode("utf-8-sig")
            plain = await http.get("/staff/subscribers/export.csv")
            assert plain.content.startswith(b"email,")

    asyncio.run(scenario())
    record = people.show(app.database, "ivan@example.org")
    assert record["name"] == "Иван Петров"
    assert record["attributes"] == {"Organisation": "Центр"}


def test_the_import_page_is_in_russian_too(app: App) -> None:
    russian = Site(app).texts("ru")["import"]
    assert russian["check"] == "Проверить файл"
    assert russian["confirm"] == "Импортировать строки ({n}) в список {list}"


def test_row_problems_read_as_sentences() -> None:
    t = {"this_row": "This row"}
    assert row_sentence(t, "email", "is missing") == "Email is missing."
    assert row_sentence(t, "", "has 5 fields but the header has 4") == (
        "This row has 5 fields but the header has 4."
    )
    assert row_sentence(t, "", "not valid JSON: Expecting value at column 1") == (
        "Not valid JSON: Expecting value at column 1."
    )


def test_a_checked_file_older_than_an_hour_is_no_longer_imported(app: App) -> None:
    """A check keeps the file for an hour (``STAGED_SECONDS``); after that its Import button
    says so and stores nothing, even when no later check has cleared the folder yet."""
    data = EXCEL.encode("cp1251")

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            form = {"csrf": csrf, "list": "members", "status": "active", "encoding": "cp1251"}
            upload = {"file": ("excel.csv", data, "text/csv")}
            checked = await http.post(
                "/staff/subscribers/import", data={**form, "dry_run": "yes"}, files=upload
            )
            assert checked.status_code == 200
            token = STAGED.search(checked.text)
            assert token is not None
            folder = Path(tempfile.gettempdir()) / "mailer-staged-imports" / token.group(1)
            then = time.time() - STAGED_SECONDS - 60
            for path in (*folder.iterdir(), folder):
                os.utime(path, (then, then))
            late = await http.post(
                "/staff/subscribers/import", data={**form, "staged": token.group(1)}
            )
            assert late.status_code == 400
            assert "no longer kept" in text_of(late.text, "import-error")

    asyncio.run(scenario())
    assert people.count(app.database, status=None) == 0
