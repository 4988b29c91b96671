"""The welcome mail: once, after confirming, in the reader's language, with their links."""

from __future__ import annotations

import asyncio

import pytest

from mailer.db import Database
from mailer.render.catalogs import translate
from mailer.render.words import MAIL
from tests.web.conftest import Clock, body, confirm_path, public_site


@pytest.mark.parametrize("welcome", ["true", "false"])
def test_confirming_sends_one_welcome_in_the_readers_language(
    public_db: Database, db_url: str, welcome: str
) -> None:
    async def scenario() -> list[tuple[str, str]]:
        async with public_site(db_url, Clock(), web__welcome=welcome) as site:
            await site.subscribe(email="aybek@example.kg", language="ky")
            [confirmation] = site.mailbox.messages
            link = confirm_path(confirmation)
            first = await site.client.post(link)
            again = await site.client.post(link)  # a second click sends nothing more
            assert first.status_code == again.status_code == 200
            return [(str(m["Subject"]), body(m, "plain")) for m in site.mailbox.messages[1:]]

    welcomes = asyncio.run(scenario())
    if welcome == "false":
        assert welcomes == []
        return
    [(subject, text)] = welcomes
    assert subject == translate("mailer", "ky", MAIL["welcome_subject"])
    assert translate("mailer", "ky", MAIL["welcome_heading"]) in text
    assert "/preferences/" in text
    assert "/u/" in text
    assert text.count("?lang=ky") >= 2  # both links open the pages in Kyrgyz
