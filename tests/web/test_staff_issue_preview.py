"""The preview page of a stored issue (inbox view, language, address, a reader of a country
and an interest, variants by item titles) and its test copies (chosen languages, results at
the top after a redirect, links that open the "test copy" page), over HTTP in process with a
real SMTP server on loopback; both databases."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from aiosmtpd.smtp import SMTP

from mailer import issues
from mailer.access import staff
from mailer.app import App
from tests.integration.issue_support import (
    EDITOR,
    Clock,
    inline_sample,
    make_app,
    sample_document,
)
from tests.web.conftest import Mailbox, body
from tests.web.test_staff_support import PASSWORD, client, csrf_of, login, text_of

SLUG = "2027-01-digest"
PAGE = f"/staff/issues/{SLUG}/preview"
ME = "eda@example.org"
LINK = re.compile(r"https?://[^\s\"'<>]+/test-copy/[a-z]+\?lang=[a-z-]+")

Steps = Callable[[httpx.AsyncClient, App, Mailbox], Awaitable[None]]


def run(db_url: str, tmp_path: Path, steps: Steps) -> None:
    async def main() -> None:
        mailbox = Mailbox()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(mailbox), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        app = make_app(db_url, tmp_path, Clock(), smtp__port=str(port), smtp__timeout="5")
        staff.add_user(
            app.database, ME, PASSWORD, now=app.clock(), hasher=app.password_hasher, role="editor"
        )
        issues.create_issue(app.issue_desk(), SLUG, sample_document(), by=EDITOR, now=app.clock())
        try:
            async with server, client(app) as http:
                assert (await login(http, ME)).status_code == 303
                await steps(http, app, mailbox)
        finally:
            app.close()

    asyncio.run(main())


def test_the_preview_shows_the_inbox_line_and_each_way_of_looking(
    db_url: str, tmp_path: Path
) -> None:
    document = inline_sample()  # the words the preview shows, approaches resolved
    first = document["languages"][0]

    async def steps(http: httpx.AsyncClient, app: App, mailbox: Mailbox) -> None:
        page = await http.get(PAGE)
        assert page.status_code == 200, page.text
        assert text_of(page.text, "preview-subject") == document["content"][first]["subject"]
        assert document["content"][first]["preheader"] in text_of(page.text, "preview-preheader")
        assert text_of(page.text, "preview-from")  # the sender, as the inbox shows it
        assert "every item" in text_of(page.text, "preview-who")
        titles = [item["content"][first]["title"] for item in document["items"]]
        assert titles[0] in text_of(page.text, "preview-variant")
        assert "fathers-clubs-georgia+" not in text_of(page.text, "preview-variant")
        ru = await http.get(PAGE, params={"lang": "ru"})
        assert text_of(ru.text, "preview-subject") == document["content"]["ru"]["subject"]
        frame = await http.get(f"{PAGE}.html", params={"lang": "ru"})
        assert frame.status_code == 200
        assert "sandbox" in frame.headers["content-security-policy"]

        reader = await http.get(PAGE, params={"lang": "ru", "country": "KG"})
        shown = text_of(reader.text, "preview-variant")
        assert "Клубы отцов в Кахетии" not in shown  # a Georgian item is not for Kyrgyzstan
        assert "a reader in KG" in text_of(reader.text, "preview-who")
        nino = await http.get(PAGE, params={"email": "nino@example.org"})
        assert text_of(nino.text, "preview-who") == "nino@example.org"
        assert "ka" in text_of(nino.text, "preview-variant")

        unknown = await http.get(PAGE, params={"email": "nobody@example.org"})
        assert unknown.status_code == 200
        assert "nobody@example.org" in text_of(unknown.text, "person-error")
        assert text_of(unknown.text, "preview-subject")  # the issue is still shown
        rows = text_of(page.text, "preview-variants")
        assert "3 reader(s)" in rows

    run(db_url, tmp_path, steps)


def test_a_test_copy_in_one_language_arrives_once_and_its_links_open_the_test_page(
    db_url: str, tmp_path: Path
) -> None:
    async def steps(http: httpx.AsyncClient, app: App, mailbox: Mailbox) -> None:
        page = await http.get(PAGE)
        assert 'id="test-lang-en" checked' in page.text  # the issue's first language
        sent = await http.post(
            f"/staff/issues/{SLUG}/test",
            data={"csrf": csrf_of(page.text), "languages": "ka", "addresses": "qa@example.org"},
        )
        assert sent.status_code == 303
        assert sent.headers["location"].startswith(f"{PAGE}?copy=")
        result = await http.get(sent.headers["location"])
        results = text_of(result.text, "test-results")
        assert "qa@example.org" in results
        assert "sent" in results
        assert "ka" in results
        await http.get(sent.headers["location"])  # a reload sends nothing again
        (copy,) = mailbox.messages
        assert copy["To"] == "qa@example.org"
        assert copy["Subject"].startswith("[TEST] ")
        assert "დეკემბრის" in copy["Subject"]
        links = set(LINK.findall(body(copy, "html"))) | set(LINK.findall(body(copy, "plain")))
        links |= set(LINK.findall(copy["List-Unsubscribe"]))
        assert {urlsplit(link).path for link in links} == {
            "/test-copy/unsubscribe",
            "/test-copy/preferences",
            "/test-copy/archive",
        }
        for link in links:
            split = urlsplit(link)
            opened = await http.get(f"{split.path}?{split.query}")
            assert opened.status_code == 200
            # in the copy's language, which every link of it carries
            assert 'lang="ka"' in opened.text
            assert "ეს სატესტო ასლია" in opened.text
        one_click = await http.post(
            "/test-copy/unsubscribe", data={"List-Unsubscribe": "One-Click"}
        )
        assert one_click.status_code == 200  # in the language the cookie above remembers
        assert "ეს სატესტო ასლია" in one_click.text
        refused = await http.post(
            f"/staff/issues/{SLUG}/test",
            data={"csrf": csrf_of(page.text), "addresses": "qa@example.org"},
        )
        assert refused.status_code == 400
        assert "pick at least one language" in text_of(refused.text, "action-error")
        assert len(mailbox.messages) == 1

    run(db_url, tmp_path, steps)
