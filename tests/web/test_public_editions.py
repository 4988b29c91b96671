"""Honest language choice: the form and the mails say which edition a reader gets."""

from __future__ import annotations

import asyncio
from datetime import datetime

from mailer import issues
from mailer.db import Database
from tests.integration.issue_support import EDITOR, sample_document
from tests.web.conftest import Clock, body, confirm_path, public_site


def test_the_form_and_the_mails_name_the_edition_a_kyrgyz_reader_gets(
    public_db: Database, db_url: str
) -> None:
    async def scenario() -> tuple[str, str, str, str]:
        async with public_site(db_url, Clock()) as site:
            before = (await site.client.get("/subscribe?lang=en")).text
            # the sample issue is written in English, Russian, Georgian and Serbian
            desk = site.app.issue_desk()
            issues.create_issue(
                desk, "2026-12-digest", sample_document(), by=EDITOR, now=datetime(2026, 11, 1)
            )
        # the form trusts what it read for a minute; a new process reads the issue at once
        async with public_site(db_url, Clock()) as site:
            form = (await site.client.get("/subscribe?lang=ky")).text
            await site.subscribe(email="aibek@example.kg", language="ky")
            [confirmation] = site.mailbox.messages
            await site.client.post(confirm_path(confirmation))
            welcome = site.mailbox.messages[-1]
            return before, form, body(confirmation, "plain"), body(welcome, "plain")

    before, form, confirmation, welcome = asyncio.run(scenario())
    assert ">Кыргызча</option>" in before  # no issue yet: every language, no promise
    assert ">Кыргызча → Русский</option>" in form
    assert ">ქართული</option>" in form
    assert ">Srpski</option>" in form
    assert "English, Русский, ქართული, Српски, Srpski" in form
    kyrgyz = "жазылбайт; аларды бул тилде аласыз: Русский."
    assert "(Кыргызча)" in confirmation
    assert kyrgyz in " ".join(confirmation.split())
    assert kyrgyz in " ".join(welcome.split())
