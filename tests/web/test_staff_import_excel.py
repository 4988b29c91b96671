"""Spreadsheets as people have them: a semicolon-separated cp1251 CSV from Excel is refused
with the encoding it looks like, then imported through the form after a dry run."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from mailer.app import App
from mailer.importer.reader import delimiter_of, suggest_encoding
from mailer.subscriptions import people
from tests.web.test_staff_support import add_staff, make_app, signed_in, text_of

EXCEL = "email;name;country;language;interests\nivan@example.org;Иван Петров;BY;ru;research\n"


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
            form = {"csrf": csrf, "list": "members", "status": "active"}
            upload = {"file": ("excel.csv", data, "text/csv")}
            refused = await http.post("/staff/subscribers/import", data=form, files=upload)
            assert refused.status_code == 400
            assert "it looks like cp1251" in text_of(refused.text, "import-error")

            dry = {**form, "encoding": "cp1251", "dry_run": "yes"}
            checked = await http.post("/staff/subscribers/import", data=dry, files=upload)
            assert checked.status_code == 200
            assert text_of(checked.text, "import-created") == "1"
            assert "nothing was stored" in text_of(checked.text, "import-dry-run-note")
            assert people.count(app.database, status=None) == 0

            real = {**form, "encoding": "cp1251"}
            stored = await http.post("/staff/subscribers/import", data=real, files=upload)
            assert stored.status_code == 200
            assert text_of(stored.text, "import-created") == "1"

    asyncio.run(scenario())
    record = people.show(app.database, "ivan@example.org")
    assert record["name"] == "Иван Петров"
    assert record["interests"] == ["research"]
