"""Visitors in every member language: the page speaks it, says so, and keeps speaking it."""

from __future__ import annotations

import asyncio

import pytest

from mailer.core.languages import AUTONYMS
from mailer.db import Database
from mailer.render.catalogs import translate
from mailer.web.public.words import PUBLIC
from tests.web.conftest import Clock, public_site

MEMBER_LANGUAGES = ("ka", "az", "ky", "sr", "sr-Latn", "mk", "tk", "uk", "be", "ru")
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
