"""The issue editor page without a browser: drawn from the stored issue, saved as a plain form
(no JavaScript) and by the page's script (JSON), a stale save refused with the person's text
kept, the check and the preview of an unsaved draft."""

from __future__ import annotations

import asyncio
import io
import re
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
from PIL import Image

from mailer import issues
from mailer.app import App
from mailer.render.catalogs import CONTEXT, translate
from mailer.web.staff.words import STAFF
from tests.web.test_staff_support import (
    SLUG,
    add_people,
    add_staff,
    make_app,
    signed_in,
    text_of,
)

EDIT = f"/staff/issues/{SLUG}/edit"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    add_people(made, tmp_path)
    issues.import_folder(made.database, tmp_path / "campaigns" / SLUG, now=made.clock())
    return made


def form_of(html: str) -> list[tuple[str, str]]:
    """The fields the editor form would send, as a browser without JavaScript sends them."""
    body = html.split('<form id="editor"', 1)[1].split("<template", 1)[0]
    fields: list[tuple[str, str]] = []
    for tag in re.finditer(r"<(input|textarea|select)\b([^>]*)>", body):
        kind, attrs = tag.group(1), tag.group(2)
        name = re.search(r'name="([^"]+)"', attrs)
        if not name or name.group(1).startswith("preview_"):
            continue
        if kind == "input":
            kind_attr = re.search(r'type="([^"]+)"', attrs)
            typ = kind_attr.group(1) if kind_attr else "text"
            if typ in {"checkbox", "radio"} and " checked" not in attrs:
                continue
            if typ in {"file", "submit"}:
                continue
            value = re.search(r'value="([^"]*)"', attrs)
            fields.append((name.group(1), unescape(value.group(1)) if value else ""))
        elif kind == "textarea":
            text = body[tag.end() : body.index("</textarea>", tag.end())]
            fields.append((name.group(1), unescape(text)))
        else:
            end = body.index("</select>", tag.end())
            chosen = re.search(r"<option selected>([^<]*)<", body[tag.end() : end])
            fields.append((name.group(1), unescape(chosen.group(1)) if chosen else ""))
    return fields


def replaced(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(n, value if n == name else v) for n, v in fields]


def test_the_page_shows_the_issue_and_a_plain_form_post_saves_a_revision(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get(EDIT)
            assert page.status_code == 200
            html = page.text
            assert "Декабрьский выпуск" in html
            assert 'id="tab-ka"' in html
            assert 'data-card="7"' in html
            assert "Reaches 4 active subscribers." in text_of(html, "audience")
            fields = form_of(html)
            assert ("base_revision", "1") in fields
            changed = replaced(fields, "content.ka.subject", "ახალი სათაური")
            saved = await http.post(EDIT, content=_encode(changed), headers=_FORM)
            assert saved.status_code == 303, saved.text
            assert saved.headers["location"].endswith("?saved=2")
            view = issues.get_issue(app.issue_desk(), SLUG)
            assert view.revision == 2
            assert view.document["content"]["ka"]["subject"] == "ახალი სათაური"
            assert view.document["lists"] == ["members"]
            assert len(view.document["items"]) == 8
            assert view.document["fallback"]["ky"] == "ru"
            again = await http.get(saved.headers["location"])
            assert "Saved" in text_of(again.text, "save-status")

    asyncio.run(scenario())


def test_saving_the_page_unchanged_makes_no_revision(app: App) -> None:
    """The file's intros end with a line break, which a form's fields do not keep, and its
    items list interests in their own order, not the pick list's: the first save of an
    untouched page must not store a revision whose only changes are those."""
    before = issues.get_issue(app.issue_desk(), SLUG).document["content"]["en"]["intro"]
    assert before.endswith("\n")

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            fields = form_of((await http.get(EDIT)).text)
            saved = await http.post(EDIT, content=_encode(fields), headers=_FORM)
            assert saved.status_code == 303, saved.text
            assert saved.headers["location"].endswith("?saved=1")

    asyncio.run(scenario())
    view = issues.get_issue(app.issue_desk(), SLUG)
    assert view.revision == 1
    assert view.document["content"]["en"]["intro"] == before


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _encode(fields: list[tuple[str, str]]) -> bytes:
    """The pairs as a form body (repeated names kept, as a browser sends them)."""
    return urlencode(fields).encode()


def test_item_buttons_work_without_javascript(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            fields = form_of((await http.get(EDIT)).text)
            for action in ("add", "dup:0", "up:2", "remove:7"):
                moved = await http.post(
                    EDIT, content=_encode([*fields, ("action", action)]), headers=_FORM
                )
                assert moved.status_code == 303, moved.text
                fields = form_of((await http.get(EDIT)).text)
            ids = [
                item["id"] for item in issues.get_issue(app.issue_desk(), SLUG).document["items"]
            ]
            assert ids[:3] == [
                "fathers-clubs-georgia",
                "peer-exchange-kg-tm",
                "fathers-clubs-georgia-copy",
            ]
            assert ids[-1] == "item-9"
            assert len(ids) == 9

    asyncio.run(scenario())


def test_a_stale_save_is_refused_and_the_persons_text_is_kept(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            fields = form_of((await http.get(EDIT)).text)
            theirs = replaced(fields, "content.en.subject", "Their subject")
            assert (
                await http.post(EDIT, content=_encode(theirs), headers=_FORM)
            ).status_code == 303
            mine = replaced(fields, "content.en.subject", "My subject")
            refused = await http.post(EDIT, content=_encode(mine), headers=_FORM)
            assert refused.status_code == 409
            panel = text_of(refused.text, "conflict")
            assert "My subject" in panel
            assert "Their subject" in panel
            assert "Subject (en)" in panel
            assert 'value="My subject"' in refused.text  # the form keeps the person's text
            scripted = await http.post(
                EDIT, content=_encode(mine), headers=_FORM | {"X-Editor": "save"}
            )
            assert scripted.status_code == 412
            answer = scripted.json()
            assert answer["current"] == 2
            assert {
                "field": "content.en.subject",
                "language": "en",
                "theirs": "Their subject",
                "yours": "My subject",
            } in answer["changes"]
            assert (
                issues.get_issue(app.issue_desk(), SLUG).document["content"]["en"]["subject"]
                == "Their subject"
            )
            over = await http.post(
                EDIT, content=_encode([*mine, ("overwrite", "2")]), headers=_FORM
            )
            assert over.status_code == 303
            assert issues.get_issue(app.issue_desk(), SLUG).revision == 3

    asyncio.run(scenario())


def test_the_check_names_fields_and_the_preview_shows_the_draft(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            fields = form_of((await http.get(EDIT)).text)
            blank = replaced(fields, "content.ka.subject", "")
            asked = [*blank, ("preview_lang", "ka")]
            checked = await http.post(f"{EDIT}/check", content=_encode(asked), headers=_FORM)
            answer = checked.json()
            assert answer["errors"] >= 1
            assert {
                "severity": "error",
                "key": "content.ka.subject",
                "message": "is missing",
            } in answer["problems"]
            assert "content.ka.subject" in answer["missing"]["ka"]
            typed = [*replaced(fields, "content.ka.subject", "ახალი"), ("preview_lang", "ka")]
            answer = (
                await http.post(f"{EDIT}/check", content=_encode(typed), headers=_FORM)
            ).json()
            assert answer["errors"] == 0
            assert answer["preview"]["language"] == "ka"
            assert 0 < answer["preview"]["html_bytes"] < answer["preview"]["budget"]
            shown = await http.post(f"{EDIT}/preview", content=_encode(typed), headers=_FORM)
            assert shown.status_code == 200
            assert "sandbox" in shown.headers["content-security-policy"]
            assert "ახალი" in shown.text
            kg = [*typed, ("preview_country", "KG"), ("preview_lang", "ru")]
            kyrgyz = (await http.post(f"{EDIT}/check", content=_encode(kg), headers=_FORM)).json()
            assert "peer-exchange-kg-tm" in kyrgyz["preview"]["items"]
            found = (await http.get(f"{EDIT}/people", params={"q": "ni"})).json()
            assert [p["email"] for p in found] == ["nino@example.org"]
            assert issues.get_issue(app.issue_desk(), SLUG).revision == 1  # nothing saved

    asyncio.run(scenario())


def png(width: int = 1200, height: int = 600) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def test_an_uploaded_image_is_served_publicly_and_other_files_are_refused(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            sent = await http.post(
                "/staff/issues/images",
                data={"csrf": csrf},
                files={"image": ("photo.png", png(), "image/png")},
            )
            assert sent.status_code == 201, sent.text
            answer = sent.json()
            assert answer["width"] == 552
            assert answer["url"].startswith(f"{app.settings.web.base_url}/images/")
            path = answer["url"].removeprefix(app.settings.web.base_url)
            served = await http.get(path)
            assert served.status_code == 200
            assert served.headers["content-type"] == "image/png"
            assert "immutable" in served.headers["cache-control"]
            etag = served.headers["etag"]
            assert (await http.get(path, headers={"If-None-Match": etag})).status_code == 304
            assert (await http.get("/images/" + "0" * 64 + ".png")).status_code == 404
            svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
            refused = await http.post(
                "/staff/issues/images",
                data={"csrf": csrf},
                files={"image": ("logo.svg", svg, "image/svg+xml")},
            )
            assert refused.status_code == 400
            assert "logo.svg: is not a PNG, JPEG, WebP or GIF image" in refused.json()["error"]
            huge = await http.post(
                "/staff/issues/images",
                data={"csrf": csrf},
                files={"image": ("big.jpg", b"\xff" * (10 * 1024 * 1024), "image/jpeg")},
            )
            assert huge.status_code == 400
            assert "at most 5 MB" in huge.json()["error"]
            forged = await http.post(
                "/staff/issues/images", files={"image": ("photo.png", png(), "image/png")}
            )
            assert forged.status_code == 403

    asyncio.run(scenario())


def test_the_editor_speaks_russian_to_a_russian_browser(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get(EDIT, headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
            assert '<html lang="ru">' in page.text
            assert "Сохранить" in text_of(page.text, "save")
            assert "Получат активных подписчиков: 4." in text_of(page.text, "audience")
            english = await http.get(EDIT, headers={"Accept-Language": "ka,de;q=0.8"})
            assert "Save" in text_of(english.text, "save")
            linked = await http.get(f"/staff/campaigns/{SLUG}")
            assert EDIT in linked.text

    asyncio.run(scenario())


def test_every_editor_string_is_in_english_and_russian() -> None:
    for msgid in STAFF["editor"].values():
        assert translate("staff", "ru", msgid) != msgid.rpartition(CONTEXT)[2], msgid
