"""The import page in a real browser: a semicolon-separated cp1251 CSV, as Excel saves it on a
Russian Windows, is checked first (the column mapping and the first rows as they will be
stored), then imported with the Import button; `mailer subscribers show` sees the person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Service
from tests.browser.staff_pages import PHONE, no_sideways_scroll, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

EXCEL = (
    "E-mail;Имя;country;language;interests;Organisation\r\n"
    "olga.sidorova@example.org;Ольга Сидорова;KG;ru;research;Центр «Ата»\r\n"
    "nino.beridze@example.org;Nino Beridze;GE;ka;fatherhood;\r\n"
    "broken@;Пётр;BY;ru;;\r\n"
)


def test_a_semicolon_cp1251_csv_imports_after_a_dry_run(
    service: Service, page: Page, tmp_path: Path
) -> None:
    path = tmp_path / "members-excel.csv"
    path.write_bytes(EXCEL.encode("cp1251"))  # cp1251 has no Georgian: Excel writes Latin
    sign_in(service, page, "/staff/subscribers/import")
    page.locator("#import-file").set_input_files(str(path))
    page.locator("#import-list").fill("members")
    page.locator("#import-status").select_option("active")
    page.locator("#import-submit").click()
    expect(page.locator("#import-error")).to_contain_text("it looks like cp1251")
    expect(page.locator("#import-error")).to_contain_text("cp1251 is now chosen below")
    expect(page.locator("#import-encoding")).to_have_value("cp1251")
    shoot(service, page, "staff-import-encoding")

    page.locator("#import-file").set_input_files(str(path))
    page.locator("#import-status").select_option("active")
    page.locator("#import-submit").click()
    expect(page.locator("#import-dry-run-note")).to_contain_text("Nothing has been stored yet")
    assert page.title().startswith("Import subscribers"), page.title()
    mapping = page.locator("#import-mapping")
    expect(mapping.locator("tr", has_text="E-mail")).to_contain_text("email")
    expect(mapping.locator("tr", has_text="Имя")).to_contain_text("name")
    expect(mapping.locator("tr", has_text="Имя")).not_to_contain_text("not a field we know")
    expect(mapping.locator("tr", has_text="Organisation")).to_contain_text("not a field we know")
    preview = page.locator("#import-preview")
    expect(preview.locator("tr", has_text="olga.sidorova@example.org")).to_contain_text(
        "Ольга Сидорова"
    )
    expect(preview).to_contain_text("Organisation: Центр «Ата»")
    expect(page.locator("#import-problems")).to_contain_text("'broken@' is not a valid address")
    expect(page.locator("#import-created")).to_have_text("2")
    shoot(service, page, "staff-import-check")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert service.mailer("subscribers", "show", "olga.sidorova@example.org").returncode != 0

    page.locator("#import-confirm").click()
    expect(page.locator("#import-report h2")).to_contain_text("Import report")
    expect(page.locator("#import-created")).to_have_text("2")
    shoot(service, page, "staff-import-done")

    shown = service.mailer("subscribers", "show", "olga.sidorova@example.org", "--json")
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert (record["name"], record["country"], record["status"]) == (
        "Ольга Сидорова",
        "KG",
        "active",
    )
    assert record["attributes"] == {"Organisation": "Центр «Ата»"}
