"""The issue editor with items from the approaches library, without a browser: a card says
where its item comes from and a plain form save keeps the reference; after an edit in the
library the page offers the update, and one post takes it (the form saved first)."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path

import pytest

from mailer import approaches, issues
from mailer.app import App
from tests.conftest import SAMPLE_LIBRARY
from tests.integration.issue_support import sample_document
from tests.web.test_staff_editor import _FORM, _encode, form_of, replaced
from tests.web.test_staff_support import add_people, add_staff, make_app, signed_in, text_of

SLUG = "2027-02-library"
EDIT = f"/staff/issues/{SLUG}/edit"
CLUBS = "fathers-clubs-kakheti"
EDITOR = issues.Actor("eda@example.org", "editor")


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    add_people(made, tmp_path)
    approaches.import_approaches(made.database, SAMPLE_LIBRARY, now=made.clock())
    issues.create_issue(made.issue_desk(), SLUG, sample_document(), by=EDITOR, now=made.clock())
    return made


def edit_summary(app: App, summary: str) -> None:
    view = approaches.get_approach(app.database, CLUBS)
    changed = copy.deepcopy(dict(view.document))
    changed["content"]["en"]["summary"] = summary
    approaches.save_approach(
        app.database, CLUBS, changed, base_revision=view.revision, by=EDITOR, now=app.clock()
    )


def test_a_card_names_its_approach_and_a_form_save_keeps_the_reference(app: App) -> None:
    async def steps() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get(EDIT)
            assert page.status_code == 200
            assert f"From the library: <code>{CLUBS}</code>" in page.text
            assert "Since spring, a community organisation" in page.text  # a placeholder
            assert "update-available" not in page.text
            assert 'id="approach-updates"' not in page.text
            fields = replaced(form_of(page.text), "items.0.content.en.title", "Our pick")
            saved = await http.post(EDIT, content=_encode(fields), headers=_FORM)
            assert saved.status_code == 303, saved.text
            item = issues.get_issue(app.issue_desk(), SLUG).document["items"][0]
            assert item == {
                "id": "fathers-clubs-georgia",
                "approach": CLUBS,
                "content": {"en": {"title": "Our pick"}},
            }
            found = issues.campaign_text(app.issue_desk(), SLUG).valid_campaign().items[0]
            assert found.content["en"].title == "Our pick"
            assert found.content["en"].summary.startswith("Since spring")

    asyncio.run(steps())


def test_update_available_then_one_post_takes_it(app: App) -> None:
    edit_summary(app, "The clubs now meet in Gurjaani too.")

    async def steps() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get(EDIT)
            notice = text_of(page.text, "approach-updates")
            assert "Update available" in notice
            assert CLUBS in notice
            assert "this issue uses revision 1; the library has revision 2" in notice
            fields = form_of(page.text)
            taken = await http.post(
                f"/staff/issues/{SLUG}/take-updates", content=_encode(fields), headers=_FORM
            )
            assert taken.status_code == 303, taken.text
            assert taken.headers["location"].endswith(f"{EDIT}?updated=1")
            after = await http.get(taken.headers["location"])
            assert "Approaches updated: 1" in text_of(after.text, "editor-notice")
            assert 'id="approach-updates"' not in after.text
            assert issues.updates(app.issue_desk(), SLUG) == []
            text = issues.campaign_text(app.issue_desk(), SLUG).text
            assert "The clubs now meet in Gurjaani too." in text

    asyncio.run(steps())


def test_a_plain_form_save_takes_a_browsers_crlf_line_breaks(app: App) -> None:
    """A browser submits a textarea's line breaks as CRLF; they are stored as LF (else the
    text cannot be written as campaign.toml and the save is refused)."""

    async def steps() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get(EDIT)
            fields = form_of(page.text)
            intro = dict(fields)["content.en.intro"].replace("\n", "\r\n")
            fields = replaced(fields, "content.en.intro", intro)
            saved = await http.post(EDIT, content=_encode(fields), headers=_FORM)
            assert saved.status_code == 303, saved.text
            stored = issues.get_issue(app.issue_desk(), SLUG).document["content"]["en"]["intro"]
            assert "\r" not in stored
            assert "\n\n" in stored

    asyncio.run(steps())
