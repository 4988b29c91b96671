"""The audience builder: drop-downs write the segment, the count and the breakdowns agree with
`mailer subscribers count`; segments saved by name work in issues, in lint and in sending."""

from __future__ import annotations

import asyncio
from html import unescape
from pathlib import Path

import pytest

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.campaigns.lint import lint_campaign
from mailer.subscriptions import people
from tests.web.test_staff_support import (
    SLUG,
    add_people,
    add_staff,
    make_app,
    signed_in,
    text_of,
)

MORE = (
    "email,name,country,language,interests\n"
    "giorgi@example.org,Giorgi,GE,ka,fatherhood;research\n"
    "lasha@example.org,Lasha,GE,ru,research\n"
    "aida@example.org,Aida,AZ,az,fatherhood\n"
)


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    add_people(made, tmp_path)
    add_people(made, tmp_path, MORE)
    return made


def test_choices_write_the_segment_and_the_count_matches_the_cli_count(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            first = await http.get("/staff/audience")
            assert first.status_code == 200
            assert text_of(first.text, "audience-count") == "7"  # everyone is active
            countries = first.text.index('id="choose-country"')
            options = first.text[countries : first.text.index("</select>", countries)]
            assert options.index('value="AZ"') < options.index('value="GE"')
            assert options.index('value="RS"') < options.index('value="GB"')  # network first

            query = {"country": "GE", "interest": "fatherhood", "status": "active"}
            page = await http.get("/staff/audience", params={**query, "action": "choices"})
            segment = "country = GE and interest = fatherhood and status = active"
            assert f">{segment}</textarea>" in page.text
            assert text_of(page.text, "audience-count") == "2"
            assert people.count(app.database, segment=segment, status=None) == 2
            assert "fatherhood 2" in text_of(page.text, "table-interest")
            assert "research 1" in text_of(page.text, "table-interest")
            assert 'data-label="GE" data-value="2"' in page.text  # the bar chart

            edited = await http.get(
                "/staff/audience",
                params={**query, "segment": "country in (GE, AZ)", "action": "expression"},
            )
            assert text_of(edited.text, "audience-count") == "4"

            broken = await http.get(
                "/staff/audience", params={"segment": "Georgia fatherhood", "action": "expression"}
            )
            assert broken.status_code == 400
            assert "unknown field 'Georgia'" in text_of(broken.text, "segment-error")

            saved = await http.post(
                "/staff/audience/save",
                data={"csrf": csrf, "name": "georgia-fathers", "segment": segment},
            )
            assert saved.status_code == 303
            page = await http.get(saved.headers["location"])
            assert "Saved as @georgia-fathers" in text_of(page.text, "notice")
            assert text_of(page.text, "audience-count") == "2"
            assert segment in text_of(page.text, "saved-georgia-fathers")

            nested = await http.post(
                "/staff/audience/save",
                data={"csrf": csrf, "name": "nested", "segment": "@georgia-fathers"},
            )
            assert nested.status_code == 400
            assert "cannot use another" in nested.text

    asyncio.run(scenario())
    assert people.count(app.database, segment="@georgia-fathers and language = ka") == 2
    assert people.count(app.database, segment="not @georgia-fathers", status=None) == 5


def test_an_issue_sent_to_a_saved_segment(app: App) -> None:
    folder = Path(app.settings.paths.campaigns) / SLUG
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("lists = [", 'segment = "@georgia"\nlists = [', 1), "utf-8")
    problems = lint_campaign(folder, app.database, app.composer)
    assert [p.message for p in problems if p.key == "segment"] == [
        "no saved segment @georgia: save it on the Audience page (/staff/audience) first"
    ]

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            form = {"csrf": csrf, "name": "georgia", "segment": "country = GE"}
            assert (await http.post("/staff/audience/save", data=form)).status_code == 303

    asyncio.run(scenario())
    assert not [p for p in lint_campaign(folder, app.database, app.composer) if p.key == "segment"]
    campaign = source.load_valid(folder)
    queued = lifecycle.start(app.database, campaign, toml.read_text("utf-8"), now=app.clock())
    assert queued == 3  # nino, giorgi, lasha: the saved segment as it is now
    assert lifecycle.status(app.database, SLUG).counts["queued"] == 3


def test_a_segment_naming_an_unknown_interest_is_refused_with_the_closest_name(
    app: App,
) -> None:
    async def scenario() -> str:
        async with signed_in(app) as (http, csrf):
            form = {"csrf": csrf, "name": "dads", "segment": "interest = fatherhod"}
            refused = await http.post("/staff/audience/save", data=form)
            assert refused.status_code == 400
            return refused.text

    page = unescape(asyncio.run(scenario()))
    assert (
        "unknown interest 'fatherhod': not in the interest list; did you mean 'fatherhood'?" in page
    )
