"""The interests page: staff title, publish, rename and merge interests and title lists; and
the staff pages' language (``?ui=`` > the switcher's cookie > ``Accept-Language``)."""

from __future__ import annotations

import asyncio
from html import unescape
from pathlib import Path

import pytest

from mailer.app import App
from mailer.subscriptions import interests, people
from tests.web.test_staff_support import add_people, add_staff, client, make_app, signed_in, text_of

PEOPLE = (
    "email,name,country,language,interests\n"
    "ana@example.org,Ana,GE,ka,new topic;fatherhood\n"
    "bo@example.org,Bo,RS,sr,fatherhod\n"
    "cy@example.org,Cy,AZ,az,fatherhood\n"
)


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    add_people(made, tmp_path, PEOPLE, list_name="members")
    return made


def test_staff_title_publish_rename_and_merge_interests(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            page = await http.get("/staff/interests")
            assert page.status_code == 200
            listed = text_of(page.text, "interest-list")
            assert "new topic" in listed
            assert "private" in listed

            refused = await http.post(
                "/staff/interests/publish",
                data={"csrf": csrf, "slug": "new topic", "public": "yes"},
            )
            assert refused.status_code == 400
            assert "has no English title yet" in unescape(text_of(refused.text, "vocabulary-error"))

            titled = await http.post(
                "/staff/interests/titles",
                data={
                    "csrf": csrf,
                    "slug": "new topic",
                    "title-en": "New topic",
                    "title-ka": "ახალი თემა",
                },
            )
            assert titled.status_code == 303
            published = await http.post(
                "/staff/interests/publish",
                data={"csrf": csrf, "slug": "new topic", "public": "yes"},
            )
            assert published.status_code == 303
            shown = await http.get(published.headers["location"])
            assert text_of(shown.text, "interest-shown") == "public"
            assert (
                text_of(shown.text, "notice") == "The interest is now offered on the public forms."
            )

            merged = await http.post(
                "/staff/interests/merge",
                data={"csrf": csrf, "slug": "fatherhod", "into": "fatherhood"},
            )
            after = await http.get(merged.headers["location"])
            assert "1 subscriber(s) gained this one" in text_of(after.text, "notice")
            assert text_of(after.text, "interest-followers") == "3"

            renamed = await http.post(
                "/staff/interests/rename",
                data={"csrf": csrf, "slug": "new topic", "new_slug": "new approaches"},
            )
            assert renamed.status_code == 303

            listed_titles = await http.post(
                "/staff/lists/titles",
                data={
                    "csrf": csrf,
                    "name": "members",
                    "title-ka": "ბიულეტენი",
                    "title-en": "Newsletter",
                },
            )
            assert listed_titles.status_code == 303

            public = await http.get("/subscribe?lang=ka")
            assert "ახალი თემა" in public.text
            assert "ბიულეტენი" in public.text

    asyncio.run(scenario())
    assert people.count(app.database, segment='interest = "new approaches"') == 1
    assert people.count(app.database, segment="interest = fatherhood") == 3
    words = {word.slug: word for word in interests.list_interests(app.database)}
    assert words["new approaches"].public
    assert "fatherhod" not in words


def test_staff_pages_follow_query_then_cookie_then_accept_language(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            russian = await http.get("/staff/interests", headers={"Accept-Language": "ru-RU,ru"})
            assert text_of(russian.text, "main").startswith("Интересы и списки")
            assert '<html lang="ru">' in russian.text
            chosen = await http.get("/staff/interests?ui=en", headers={"Accept-Language": "ru"})
            assert "mailer_staff_lang=en" in chosen.headers["set-cookie"]
            assert text_of(chosen.text, "main").startswith("Interests and lists")
            kept = await http.get("/staff/", headers={"Accept-Language": "ru"})
            assert '<html lang="en">' in kept.text
            back = await http.get("/staff/interests?ui=ru")
            assert 'id="staff-lang-ru" aria-current="true"' in back.text
            error = await http.get("/staff/no/such/page")
            assert text_of(error.text, "error-message") == "Такой страницы для сотрудников нет."
        async with client(app) as http:
            login = await http.get("/staff/login", headers={"Accept-Language": "ru"})
            assert "Войти" in login.text

    asyncio.run(scenario())


def test_latin_serbian_counts_as_titled_when_the_cyrillic_is(app: App) -> None:
    interests.set_titles(app.database, "fatherhood", {"en": "Fatherhood", "sr": "Очинство"})

    async def scenario() -> str:
        async with signed_in(app) as (http, _):
            return (await http.get("/staff/interests?ui=en")).text

    listed = text_of(asyncio.run(scenario()), "interest-list")
    assert "Fatherhood (3 of 11 languages)" in listed
