"""The approaches library in the staff UI without a browser (SQLite and PostgreSQL): the
library page's search (any language, case and accents ignored) and filters, "where used"
with the recipients the ledger counts, the approach editor (create, save, a stale save kept
in a conflict panel, history, diff, restore) and the card preview through the newsletter's
own template."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.smtp import SMTP

from mailer import approaches, issues
from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.db.schema import campaign, delivery
from tests.conftest import REPO, sendable_text
from tests.web.test_staff_campaigns import Sink
from tests.web.test_staff_support import (
    SAMPLE,
    SLUG,
    add_people,
    add_staff,
    make_app,
    signed_in,
    text_of,
)

LIBRARY = REPO / "campaigns" / "approaches"
KAKHETI = "fathers-clubs-kakheti"


def referring_folder(root: Path) -> Path:
    """The sample issue as it is written (its items refer to the library), one-off, with the
    sample library beside it."""
    folder = root / SLUG
    folder.mkdir(parents=True, exist_ok=True)
    dropped = ("series =", "period =", "send_at =")
    text = (SAMPLE / "campaign.toml").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if not line.startswith(dropped)]
    (folder / "campaign.toml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    shutil.copytree(LIBRARY, root / "approaches")
    return folder


def library_app(db_url: str, tmp_path: Path, smtp_port: int = 25) -> App:
    referring_folder(tmp_path / "campaigns")
    app = make_app(db_url, tmp_path, smtp_port=smtp_port)
    add_staff(app)
    add_people(app, tmp_path)
    approaches.import_approaches(app.database, LIBRARY, now=app.clock())
    return app


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    return library_app(db_url, tmp_path)


def rows(html: str) -> list[str]:
    return [
        part.split('"', 1)[0] for part in html.split('class="card approach-row" id="approach-')[1:]
    ]


def test_search_in_any_language_ignores_case_and_accents_and_filters_narrow(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get("/staff/approaches")
            assert page.status_code == 200
            assert 'id="nav-library"' in page.text
            assert len(rows(page.text)) == 8
            assert "8 of 8 approaches" in text_of(page.text, "library-count")
            russian = await http.get("/staff/approaches", params={"q": "КЛУБЫ ОТЦОВ"})
            assert rows(russian.text) == [KAKHETI]
            accented = await http.get("/staff/approaches", params={"q": "kakhéti telavi"})
            assert rows(accented.text) == [KAKHETI]
            georgia = await http.get("/staff/approaches", params={"country": "GE"})
            assert KAKHETI in rows(georgia.text)
            assert "peer-exchange-osh" not in rows(georgia.text)
            kinds = await http.get("/staff/approaches", params={"kind": "event"})
            assert rows(kinds.text) == []  # the sample's webinar is written as an approach
            ka = await http.get("/staff/approaches", params={"complete": "ka"})
            assert KAKHETI in rows(ka.text)
            none = await http.get("/staff/approaches", params={"q": "no-such-words-anywhere"})
            assert text_of(none.text, "lib-clear") == "Clear the filters"
            assert rows(none.text) == []
            assert "No approach matches" in none.text
            never = await http.get("/staff/approaches", params={"never": "1"})
            assert len(rows(never.text)) == 8  # nothing was sent yet

    asyncio.run(scenario())


def test_where_used_names_the_issue_and_counts_the_recipients_the_ledger_has(
    db_url: str, tmp_path: Path
) -> None:
    sink = Sink()

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(sink), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        app = library_app(db_url, tmp_path, smtp_port=port)
        folder = Path(app.settings.paths.campaigns) / SLUG
        issues.import_folder(app.database, folder, now=app.clock())
        async with signed_in(app) as (http, _):
            draft = await http.get("/staff/approaches", params={"q": "Kakheti"})
            used = text_of(draft.text, f"approach-{KAKHETI}")
            assert SLUG in used
            assert "draft" in used
        text = sendable_text(folder)
        found = source.load_valid(folder)
        async with server:
            lifecycle.approve(app.database, found, text, by="ana", now=app.clock())
            lifecycle.start(app.database, found, text, now=app.clock())
            await app.send_until_idle()
        with app.database.read() as conn:
            variants = conn.execute(
                sa.select(delivery.c.variant)
                .join(campaign, campaign.c.id == delivery.c.campaign_id)
                .where(campaign.c.slug == SLUG, delivery.c.state == "sent")
            ).scalars()
            got = sum(1 for v in variants if "fathers-clubs-georgia" in v.split(":")[1].split("+"))
        assert got > 0
        async with signed_in(app) as (http, _):
            page = await http.get("/staff/approaches", params={"q": "Kakheti"})
            used = text_of(page.text, f"approach-{KAKHETI}")
            assert f"{got} recipients got it" in used
            assert "sent" in used
            never = await http.get("/staff/approaches", params={"never": "1"})
            assert KAKHETI not in rows(never.text)

    asyncio.run(scenario())


def test_create_save_stale_history_diff_restore(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            form = {
                "csrf": csrf,
                "slug": "mentors-skopje",
                "kind": "approach",
                "state": "published",
                "organisation": "Youth centre, Skopje",
                "countries": "MK",
                "interests": "youth engagement; research",
                "links": "https://example.org/mentors",
                "languages": "en, ru",
                "content.en.title": "Mentors in Skopje",
                "content.en.summary": "Older boys mentor younger ones.",
                "content.ru.title": "Наставники в Скопье",
                "content.ru.summary": "Старшие ребята помогают младшим.",
            }
            blank = await http.get("/staff/approaches/new")
            assert blank.status_code == 200
            assert 'id="tab-ru"' in blank.text
            made = await http.post("/staff/approaches/new", data=form)
            assert made.status_code == 303
            assert made.headers["location"] == "/staff/approaches/mentors-skopje?saved=1"
            again = await http.post("/staff/approaches/new", data=form)
            assert again.status_code == 400
            assert "Mentors in Skopje" in again.text
            refused = text_of(again.text, "approach-error")
            assert refused == "Approach 'mentors-skopje' exists already."  # a sentence
            page = await http.get("/staff/approaches/mentors-skopje")
            assert 'id="tab-ru"' in page.text
            assert "Наставники в Скопье" in page.text
            saved = await http.post(
                "/staff/approaches/mentors-skopje",
                data={**form, "base_revision": "1", "content.en.summary": "Second text."},
            )
            assert saved.status_code == 303
            assert saved.headers["location"].endswith("saved=2")
            stale = await http.post(
                "/staff/approaches/mentors-skopje",
                data={**form, "base_revision": "1", "content.en.summary": "Mine, from rev 1."},
            )
            assert stale.status_code == 409
            panel = text_of(stale.text, "conflict")
            assert "Mine, from rev 1." in panel
            assert "Second text." in panel
            assert approaches.get_approach(app.database, "mentors-skopje").revision == 2
            history = await http.get("/staff/approaches/mentors-skopje/history")
            assert 'id="revision-2"' in history.text
            diff = await http.get("/staff/approaches/mentors-skopje/diff?a=1&b=2")
            assert diff.status_code == 200
            assert "Second" in diff.text
            assert "Summary" in diff.text
            unchosen = await http.get("/staff/approaches/mentors-skopje/diff?a=x&b=2")
            assert unchosen.status_code == 400
            assert "A: choose a revision." in unchosen.text  # a sentence, as on an issue's
            back = await http.post(
                "/staff/approaches/mentors-skopje/restore",
                data={"csrf": csrf, "number": "1", "base": "2"},
            )
            assert back.status_code == 303
        view = approaches.get_approach(app.database, "mentors-skopje")
        assert view.document["interests"] == ["youth engagement", "research"]
        assert view.revision == 3
        assert view.document["content"]["en"]["summary"] == "Older boys mentor younger ones."

    asyncio.run(scenario())


def test_the_card_preview_is_the_newsletter_template_with_the_typed_text(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            page = await http.get(f"/staff/approaches/{KAKHETI}")
            assert f'src="/staff/approaches/{KAKHETI}/preview?lang=en"' in page.text
            saved = await http.get(f"/staff/approaches/{KAKHETI}/preview?lang=ru")
            assert "Клубы отцов в Кахетии" in saved.text
            assert "sandbox" in saved.headers["content-security-policy"]
            form = {
                "csrf": csrf,
                "kind": "approach",
                "languages": "en",
                "content.en.title": "A title typed just now",
                "content.en.summary": "And its summary.",
                "links": "https://example.org/typed",
                "preview_lang": "en",
            }
            typed = await http.post(f"/staff/approaches/{KAKHETI}/preview", data=form)
            assert typed.status_code == 200
            assert "A title typed just now" in typed.text
            assert "https://example.org/typed" in typed.text
            assert "unsubscribe" in typed.text.lower()  # the newsletter's own footer
            empty = await http.post(
                f"/staff/approaches/{KAKHETI}/preview",
                data={"csrf": csrf, "preview_lang": "ka"},
            )
            assert 'id="no-preview"' in empty.text
            linkless = await http.post(
                f"/staff/approaches/{KAKHETI}/preview", data={**form, "links": ""}
            )
            # the approach's own field, not the key of the newsletter made to show it
            assert "link: is missing" in linkless.text
            assert "items[0]" not in linkless.text

    asyncio.run(scenario())


def test_the_pages_speak_russian_to_a_russian_browser(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            russian = {"Accept-Language": "ru-RU,ru;q=0.9"}
            page = await http.get("/staff/approaches", headers=russian)
            assert "Библиотека подходов" in text_of(page.text, "library-title")
            assert "Библиотека" in text_of(page.text, "nav-library")
            assert "из 8 подходов" in text_of(page.text, "library-count")
            new = await http.get("/staff/approaches/new", headers=russian)
            assert "Новый подход" in new.text
            assert "Короткое имя (slug)" in new.text

    asyncio.run(scenario())
