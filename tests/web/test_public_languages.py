"""Visitors in every member language: the page speaks it, says so, and keeps speaking it."""

from __future__ import annotations

import asyncio
import re

import pytest

from mailer.core.languages import AUTONYMS
from mailer.db import Database
from mailer.render.catalogs import translate
from mailer.render.words import MAIL
from mailer.web.public.words import PUBLIC
from tests.web.conftest import BASE, Clock, body, public_site

MEMBER_LANGUAGES = ("ka", "az", "ky", "sr", "sr-Latn", "mk", "tk", "uk", "be", "ru")
CONFIRM_LINK_WITH_LANGUAGE = re.compile(rf"{re.escape(BASE)}/confirm/[A-Za-z0-9._-]+\?lang=ka\b")
HEADERS = {"ka": "ka-GE,ka;q=0.9,en;q=0.5", "sr-Latn": "sr-Latn-RS, sr;q=0.8", "az": "az-Latn-AZ"}


@pytest.mark.parametrize("language", MEMBER_LANGUAGES)
def test_each_accept_language_gets_the_page_in_that_language(
    public_db: Database, db_url: str, language: str
) -> None:
    heading = translate("mailer", language, PUBLIC["subscribe_title"])
    assert heading != PUBLIC["subscribe_title"], "the catalog translates the heading"

    async def scenario() -> str:
        async with public_site(db_url, Clock()) as site:
            header = HEADERS.get(language, f"{language}, en;q=0.1")
            page = await site.client.get("/subscribe", headers={"Accept-Language": header})
            return page.text

    html = asyncio.run(scenario())
    assert f'<html lang="{language}" dir="ltr">' in html
    assert f"<h1>{heading}</h1>" in html


def test_sr_latn_by_query_is_latin_script(public_db: Database, db_url: str) -> None:
    async def scenario() -> tuple[str, str]:
        async with public_site(db_url, Clock()) as site:
            latin = await site.client.get("/subscribe?lang=sr-Latn")
            cyrillic = await site.client.get("/subscribe?lang=sr")
            return latin.text, cyrillic.text

    latin, cyrillic = asyncio.run(scenario())
    assert '<html lang="sr-Latn"' in latin
    assert "<h1>Pretplatite se na naš bilten</h1>" in latin
    assert "<h1>Претплатите се на наш билтен</h1>" in cyrillic


def test_the_switcher_names_every_language_in_itself(public_db: Database, db_url: str) -> None:
    async def scenario() -> str:
        async with public_site(db_url, Clock()) as site:
            return (await site.client.get("/subscribe?lang=en")).text

    html = asyncio.run(scenario())
    for tag in ("en", *MEMBER_LANGUAGES):
        assert f'hreflang="{tag}"' in html
        assert f">{AUTONYMS[tag]}</a>" in html


def test_the_switchers_choice_outlasts_the_browsers_language(
    public_db: Database, db_url: str
) -> None:
    async def scenario() -> tuple[str, str, str]:
        async with public_site(db_url, Clock()) as site:
            ru = {"Accept-Language": "ru"}
            before = (await site.client.get("/archive", headers=ru)).text
            chosen = await site.client.get("/subscribe?lang=ky", headers=ru)
            assert chosen.cookies.get("lang") == "ky"
            after = (await site.client.get("/archive", headers=ru)).text
            query = (await site.client.get("/archive?lang=mk", headers=ru)).text
            return before, after, query

    before, after, query = asyncio.run(scenario())
    assert '<html lang="ru"' in before
    assert '<html lang="ky"' in after  # the cookie beats Accept-Language
    assert '<html lang="mk"' in query  # ?lang= beats the cookie


def test_subscribing_in_georgian_gets_a_georgian_mail_whose_link_opens_a_georgian_page(
    public_db: Database, db_url: str
) -> None:
    async def scenario() -> tuple[str, str, str]:
        async with public_site(db_url, Clock()) as site:
            form = await site.client.get("/subscribe", headers={"Accept-Language": "ka"})
            assert '<html lang="ka"' in form.text
            answer = await site.subscribe(email="nino@example.ge", language="ka")
            assert answer.status_code == 303
            [message] = site.mailbox.messages
            text = body(message, "plain")
            link = CONFIRM_LINK_WITH_LANGUAGE.search(text)
            assert link is not None, text
            site.client.cookies.clear()  # another device: no cookie, an English browser
            page = await site.client.get(
                link[0].removeprefix(BASE), headers={"Accept-Language": "en"}
            )
            return str(message["Subject"]), text, page.text

    subject, text, page = asyncio.run(scenario())
    assert subject == translate("mailer", "ka", MAIL["confirm_subject"])
    assert translate("mailer", "ka", MAIL["confirm_heading"]) in text
    assert '<html lang="ka"' in page
    assert f"<h1>{translate('mailer', 'ka', PUBLIC['confirm_title'])}</h1>" in page
