"""The translation round trip in a real browser against `mailer serve`: download ka as XLIFF,
fill a target in the file, upload it and see it in the editor's ka tab as a draft; change the
English source and see the ka field stale and scheduling refused until it is reviewed; a
malformed and a wrong-language file refused with a message that names the problem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mailer import issues
from mailer.app import App
from mailer.config import load_settings
from mailer.issues import translations
from tests.browser.conftest import SCREENSHOTS, Service, live_service, picture
from tests.browser.staff_pages import LAPTOP, PHONE, ready, shoot
from tests.browser.translation_files import filled, upload
from tests.conftest import REPO
from tests.integration.issue_support import inline_sample

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

SLUG = "2027-02-digest"
APPROVER = ("ana@example.org", "ana's long passphrase 1")
TITLE = "items.fathers-clubs-georgia.title"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    root = tmp_path_factory.mktemp("xlate")
    with live_service(root, '[preflight]\ngate = "off"\n') as service:
        added = service.mailer(
            "users",
            "add",
            APPROVER[0],
            "--role",
            "approver",
            "--password-stdin",
            input=APPROVER[1],
        )
        assert added.returncode == 0, added.stderr
        document = inline_sample()  # the items' words in the issue, to be translated
        for key in ("series", "period", "send_at"):
            document.pop(key, None)
        with App(load_settings(service.config, environ={})).start() as app:
            issues.create_issue(
                app.issue_desk(),
                SLUG,
                document,
                by=issues.Actor("writer@example.org", "editor"),
                now=app.clock(),
            )
        yield service


def sign_in(page: Page, live: Service, path: str) -> None:
    page.goto(f"{live.base_url}{path}")
    page.get_by_label("Email address").fill(APPROVER[0])
    page.get_by_label("Password").fill(APPROVER[1])
    page.locator("#login-submit").click()
    expect(page.locator("#signed-in-as")).to_be_visible()
    ready(page)


def open_editor(page: Page, live: Service, language: str) -> None:
    page.goto(f"{live.base_url}/staff/issues/{SLUG}/edit?lang={language}")
    expect(page.locator("#editor")).to_have_attribute("data-ready", "yes")


def shoot_field(live: Service, page: Page, selector: str, name: str) -> None:
    """The part of the editor around one field, on a laptop and a phone (the editor is long)."""
    if not SCREENSHOTS:
        return
    for width, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.locator(selector).scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -160)")
        picture(page, live.shots / f"{name}-{width}.png")
    page.set_viewport_size(LAPTOP)


def field_state(page: Page, language: str, unit: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-tstate="{language}|{unit}"]')


def test_export_fill_import_then_a_source_edit_makes_it_stale_until_reviewed(
    live: Service, page: Page
) -> None:
    sign_in(page, live, f"/staff/issues/{SLUG}/translations")
    expect(page.locator("#lang-ka")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#download-ka-xliff").click()
    assert download.value.suggested_filename == f"{SLUG}.ka.xlf"
    exported = Path(download.value.path())

    # a malformed file and a file in another language: refused, the message names the problem
    upload(page, "broken.xlf", exported.read_bytes()[:-40])
    expect(page.locator("#translation-error")).to_contain_text(
        "broken.xlf: is not well-formed XML at line"
    )
    upload(page, "de.xlf", filled(exported, TITLE, "Väterclubs", trgLang="de"))
    expect(page.locator("#translation-error")).to_contain_text(
        "'de' is not a target language of this issue"
    )
    shoot(live, page, "translations-refused")

    # a check first stores nothing, then the import
    data = filled(exported, TITLE, "მამათა კლუბები კახეთში: ათი საღამო")
    upload(page, f"{SLUG}.ka.xlf", data, "#check-file")
    expect(page.locator("#report-title")).to_contain_text("Checked: nothing stored yet")
    expect(page.locator("#import-report")).to_contain_text(TITLE)
    upload(page, f"{SLUG}.ka.xlf", data)
    expect(page.locator("#report-title")).to_contain_text("Imported as revision 2")
    shoot(live, page, "translations-imported")

    open_editor(page, live, "ka")
    expect(page.locator("#f-0-ka-title")).to_have_value("მამათა კლუბები კახეთში: ათი საღამო")
    expect(field_state(page, "ka", TITLE)).to_have_text("draft")

    # the English source changes: the ka title is stale, scheduling is refused
    page.locator("#tab-en").click()
    page.locator("#f-0-en-title").fill("Fathers' clubs in Kakheti: twelve evenings")
    page.locator("#save").click()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    open_editor(page, live, "ka")
    expect(field_state(page, "ka", TITLE)).to_contain_text("stale")
    expect(page.locator("#stale-ka")).to_have_text("1")
    shoot_field(live, page, f'[data-tstate="ka|{TITLE}"]', "translations-stale")

    with App(load_settings(live.config, environ={})).start() as app:
        desk = app.issue_desk()
        revision = issues.get_issue(desk, SLUG).revision
        issues.approve(
            desk, SLUG, revision, by=issues.Actor("bo@example.org", "approver"), now=app.clock()
        )
    page.goto(f"{live.base_url}/staff/issues/{SLUG}")
    expect(page.locator("#check-translations")).to_contain_text(f"ka {TITLE} (stale)")
    expect(page.locator("#schedule-closed")).to_contain_text("Write or review the translations")
    expect(page.locator("#schedule-form")).to_have_count(0)
    shoot(live, page, "translations-schedule-refused")
    # and the server refuses a schedule posted anyway, naming the field
    csrf = page.locator('input[name="csrf"]').first.get_attribute("value") or ""
    forced = page.request.post(
        f"{live.base_url}/staff/issues/{SLUG}/schedule",
        form={"csrf": csrf, "send_at": "2027-02-03T09:00", "timezone": "Europe/Belgrade"},
    )
    assert forced.status == 409
    assert f"ka: {TITLE} (stale)" in forced.text()

    # reviewed: in the editor for ka; ru and sr by colleagues (the same act, in Python here)
    open_editor(page, live, "ka")
    page.locator(f'[data-review="ka|{TITLE}"]').click()
    expect(field_state(page, "ka", TITLE)).to_have_text("reviewed")
    expect(page.locator("#tab-ka")).to_have_attribute("aria-selected", "true")
    with App(load_settings(live.config, environ={})).start() as app:
        for language in ("ru", "sr"):
            translations.mark_reviewed(
                app.issue_desk(),
                SLUG,
                language,
                TITLE,
                by=issues.Actor("bo@example.org", "approver"),
                now=app.clock(),
            )
    page.goto(f"{live.base_url}/staff/issues/{SLUG}")
    page.locator("#schedule-send-at").fill("2027-02-03T09:00")
    page.locator("#schedule-timezone").fill("Europe/Belgrade")
    page.locator("#schedule").click()
    expect(page.locator("#issue-state h2")).to_contain_text("scheduled")


def test_the_translations_page_fits_a_phone_and_shows_each_state(live: Service, page: Page) -> None:
    sign_in(page, live, f"/staff/issues/{SLUG}/translations")
    expect(page.locator("#translation-languages")).to_contain_text("ka")
    assert REPO.exists()
    page.set_viewport_size({"width": 375, "height": 812})
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert fits
