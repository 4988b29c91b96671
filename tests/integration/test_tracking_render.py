"""Tracking in the sent message: a campaign with ``tracking = true`` sent through aiosmtpd.

The received HTML's links are tracking links that lead (through the web app) back to the
original links, the unsubscribe and preferences links are untouched, DKIM still verifies;
with tracking off the message is what it always was.
"""

from __future__ import annotations

import asyncio
import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import httpx
from aiosmtpd.smtp import SMTP
from markupsafe import escape

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.core.links import preferences_url, unsubscribe_url
from mailer.core.owners import Named
from mailer.core.tracking import read_open
from mailer.db import Database
from mailer.db.subscribers import recipients_by_id
from mailer.web.app import create_app
from tests.conftest import TEST_SECRET, Cli, sendable_text, settings_for
from tests.integration.test_dispatch import SAMPLE, Scripted
from tests.integration.test_dkim import verify

BASE = "https://news.example.org"
WEBSITE = "https://example.org"
PEOPLE = (
    "email,name,country,language,interests\n"
    "nino@example.org,Нино,GE,ka,fatherhood\n"
    "ana@example.org,Ana,RS,sr,\n"
)
HREF = re.compile(r'href="([^"]*)"')
PIXEL = re.compile(r'<img src="([^"]*)" alt="" width="1" height="1"></body>')


def issue(tmp_path: Path, slug: str, *, tracking: bool) -> Path:
    """A copy of the sample issue under ``slug``, with tracking on or off."""
    folder = tmp_path / slug
    folder.mkdir()
    text = sendable_text(SAMPLE)
    if tracking:
        text = text.replace(
            'template = "newsletter"\n', 'template = "newsletter"\ntracking = true\n'
        )
    (folder / "campaign.toml").write_text(text)
    return folder


def make_app(db_url: str, *, smtp_port: int = 25, **extra: str) -> App:
    return App(
        settings_for(
            db_url,
            smtp_port=smtp_port,
            web__base_url=BASE,
            organisation__website=WEBSITE,
            **extra,
        )
    )


def start(cli: Cli, db: Database, tmp_path: Path, *folders: Path) -> None:
    """Imports two subscribers and starts each issue for them."""
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    app = make_app("sqlite://")
    for folder in folders:
        text = sendable_text(folder)
        assert lifecycle.start(db, source.load_valid(folder), text, now=app.clock()) == 2


async def _send(db_url: str, extra: dict[str, str]) -> list[tuple[str, bytes]]:
    handler = Scripted()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
    app = make_app(db_url, smtp_port=server.sockets[0].getsockname()[1], **extra)
    relay = app.relay()
    async with server:
        await asyncio.wait_for(app.dispatcher(relay).run(asyncio.Event(), until_idle=True), 60)
        await relay.close()
    return [(rcpts[0], data) for _, rcpts, data in handler.received]


def send(db_url: str, **extra: str) -> list[tuple[str, bytes]]:
    """Sends everything due through a real aiosmtpd server; (recipient, raw message) each."""
    return asyncio.run(_send(db_url, extra))


def html_of(data: bytes) -> str:
    message = message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def text_of(data: bytes) -> str:
    message = message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def deliveries_by_email(db: Database) -> dict[str, tuple[int, int, int, str]]:
    """email -> (delivery id, subscriber id, campaign id, language) of every sent delivery."""
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.email, d.id, s.id, d.campaign_id, d.language FROM delivery d "
            "JOIN subscriber s ON s.id = d.subscriber_id WHERE d.state = 'sent'"
        ).all()
    return {email: (int(d), int(s), int(c), str(lang)) for email, d, s, c, lang in rows}


async def _locations(app: App, paths: list[str]) -> dict[str, str]:
    transport = httpx.ASGITransport(app=create_app(app))
    found = {}
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        for path in paths:
            response = await client.get(path)
            assert response.status_code == 302, path
            found[path] = response.headers["location"]
    return found


def test_tracked_links_lead_to_the_original_links(
    cli: Cli, db: Database, db_url: str, tmp_path: Path, key_file: Path
) -> None:
    folder = issue(tmp_path, "tracked", tracking=True)
    start(cli, db, tmp_path, folder)
    dkim_settings = {
        "dkim__selector": "news2026",
        "dkim__domain": "example.org",
        "dkim__private_key_file": str(key_file),
    }
    received = dict(send(db_url, **dkim_settings))
    assert set(received) == {"nino@example.org", "ana@example.org"}
    app = make_app(db_url, **dkim_settings)
    signer = app.dkim_signer()
    assert signer is not None
    sent = deliveries_by_email(db)
    untracked = app.composer(source.load_valid(issue(tmp_path, "plain", tracking=False)))
    with db.read() as conn:
        people = recipients_by_id(conn, [subscriber for _, subscriber, _, _ in sent.values()])

    for email, data in received.items():
        assert verify(data, signer)
        delivery_id, subscriber_id, _, _ = sent[email]
        html = html_of(data)
        hrefs = HREF.findall(html)
        clicks = [href for href in hrefs if href.startswith(f"{BASE}/t/c/")]
        # every other web link is one of the three that are never rewritten
        nonce = people[subscriber_id].link_nonce
        reader = people[subscriber_id].language  # the pages open in the reader's language
        unsubscribe = unsubscribe_url(BASE, TEST_SECRET, subscriber_id, nonce, reader)
        preferences = preferences_url(BASE, TEST_SECRET, subscriber_id, nonce, reader)
        others = {href for href in hrefs if href not in clicks}
        assert unsubscribe in others
        assert preferences in others
        assert others - {unsubscribe, preferences} == {
            f"{BASE}/archive/tracked?lang={sent[email][3]}"
        }
        assert len(clicks) >= 5  # the items shown (title, button, image), the intro, the website

        # the open pixel, last in the body, names this delivery
        pixel = PIXEL.search(html)
        assert pixel is not None
        assert pixel[1].startswith(f"{BASE}/t/o/")
        assert pixel[1].endswith(".gif")
        assert read_open(app.token_keys(), pixel[1].removeprefix(f"{BASE}/t/o/")[:-4]) == (
            Named(delivery_id, nonce)
        )

        # following each tracking link through the web app gives back the message without
        # tracking, byte for byte: only the hrefs changed, and each leads to its own link
        paths = sorted({href.removeprefix(BASE) for href in clicks})
        destinations = asyncio.run(_locations(app, paths))
        restored = HREF.sub(
            lambda m, found=destinations: (
                f'href="{escape(found.get(m[1].removeprefix(BASE), m[1]))}"'
            ),
            PIXEL.sub("</body>", html),
        )
        person = people[subscriber_id]
        plain = untracked.compose(person)[2]
        expected = plain.html.replace("/archive/plain?", "/archive/tracked?")
        assert restored.replace("\r\n", "\n") == expected.replace("\r\n", "\n")
        assert WEBSITE in destinations.values()

        # the text part keeps the real links
        text = text_of(data)
        assert "/t/c/" not in text
        assert "/t/o/" not in text
        assert set(destinations.values()) - {WEBSITE} <= set(
            re.findall(r"https://\S+?(?=[\s)]|$)", text)
        )


def test_with_tracking_off_the_message_is_unchanged(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    folder = issue(tmp_path, "plain", tracking=False)
    start(cli, db, tmp_path, folder)
    received = dict(send(db_url))
    app = make_app(db_url)
    composer = app.composer(source.load_valid(folder))
    sent = deliveries_by_email(db)
    with db.read() as conn:
        people = recipients_by_id(conn, [subscriber for _, subscriber, _, _ in sent.values()])
    for email, data in received.items():
        html = html_of(data)
        assert "/t/c/" not in html
        assert "/t/o/" not in html
        rendered = composer.compose(people[sent[email][1]])[2]
        assert html.replace("\r\n", "\n") == rendered.html.replace("\r\n", "\n")
        assert text_of(data).replace("\r\n", "\n") == rendered.text.replace("\r\n", "\n")
