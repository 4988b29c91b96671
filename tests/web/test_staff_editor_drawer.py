"""The issue editor's "Add from library" without a browser (SQLite and PostgreSQL): the
drawer lists the library (not what the issue has), marks suggestions and what is incomplete
in the issue's languages; its Add button posts the whole form and saves the issue with an
item that refers to the approach; a stale form gets the editor's conflict panel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from mailer import approaches, issues
from mailer.app import App
from tests.conftest import REPO
from tests.web.test_staff_editor import _FORM, _encode, form_of
from tests.web.test_staff_support import SLUG, add_people, add_staff, make_app, signed_in, text_of

EDIT = f"/staff/issues/{SLUG}/edit"
ADD = f"/staff/issues/{SLUG}/library/add"
MENTORS = "mentors-skopje"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    add_people(made, tmp_path)
    approaches.import_approaches(made.database, REPO / "campaigns" / "approaches", now=made.clock())
    mentors = {
        "state": "published",
        "countries": ["MK"],
        "links": ["https://example.org/mentors"],
        "content": {"en": {"title": "Mentors in Skopje", "summary": "Older boys mentor."}},
    }
    approaches.create_approach(
        made.database,
        MENTORS,
        mentors,
        by=issues.Actor("eda@example.org", "editor"),
        now=made.clock(),
    )
    issues.import_folder(made.database, tmp_path / "campaigns" / SLUG, now=made.clock())
    return made


def test_the_drawer_offers_the_library_and_adds_a_referring_item(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            page = await http.get(EDIT)
            assert page.status_code == 200
            drawer = text_of(page.text, "library-drawer")
            assert "Add from library" in drawer
            assert "Mentors in Skopje" in drawer
            row = page.text.split(f'id="drawer-{MENTORS}"', 1)[1].split("</li>", 1)[0]
            assert 'data-complete="0"' in row  # no Russian, no Georgian ... text
            assert 'data-suggested="0"' in row
            clubs = page.text.split('id="drawer-fathers-clubs-kakheti"', 1)[1].split("</li>")[0]
            assert 'data-suggested="1"' in clubs
            fields = form_of(page.text)
            added = await http.post(
                ADD, content=_encode([*fields, ("approach", MENTORS)]), headers=_FORM
            )
            assert added.status_code == 303
            assert added.headers["location"] == f"{EDIT}#items"
            stored = issues.get_issue(app.issue_desk(), SLUG)
            assert stored.document["items"][-1] == {"id": MENTORS, "approach": MENTORS}
            again = await http.get(EDIT)
            assert f'id="drawer-{MENTORS}"' not in again.text  # in the issue now
            stale = await http.post(
                ADD, content=_encode([*fields, ("approach", "peer-exchange-osh")]), headers=_FORM
            )
            assert stale.status_code == 409
            assert 'id="conflict"' in stale.text
            assert issues.get_issue(app.issue_desk(), SLUG).revision == stored.revision
            assert csrf

    asyncio.run(scenario())
