"""Fixtures of the public-page tests: the web app in process, a real aiosmtpd server, a clock.

``PublicSite`` runs inside one ``asyncio.run``: it starts an aiosmtpd SMTP server on
127.0.0.1:0 in that loop, builds the ``App`` with ``smtp`` pointing at it, and talks to
``create_app(app)`` through ``httpx.ASGITransport``. Every accepted message is kept, parsed.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import httpx
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailer.app import App
from mailer.db import Database
from mailer.subscriptions.interests import add_interest
from mailer.subscriptions.lists import add_list
from mailer.web.app import create_app
from tests.conftest import settings_for

BASE = "https://news.example.org"
LISTS = {"monthly": "The monthly newsletter", "events": "Invitations to events"}
INTERESTS = ("fatherhood", "violence prevention", "youth")
CONFIRM_LINK = re.compile(rf"{re.escape(BASE)}/confirm/[A-Za-z0-9._-]+")


class Clock:
    """The only fake: ``App(settings, clock=...)``; tests move it forward."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Mailbox:
    """aiosmtpd handler: keeps every message; ``refuse`` makes it answer 451 to RCPT."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = message_from_bytes(raw, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 2.0.0 Queued"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def confirmations(self, address: str) -> list[EmailMessage]:
        """The confirmation mails to ``address`` (not the welcome that follows confirming)."""
        return [m for m in self.to(address) if CONFIRM_LINK.search(body(m, "plain"))]


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def confirm_path(message: EmailMessage) -> str:
    found = CONFIRM_LINK.search(body(message, "plain"))
    assert found is not None, "no confirmation link in the message"
    return found[0].removeprefix(BASE)


class PublicSite:
    def __init__(self, app: App, client: httpx.AsyncClient, mailbox: Mailbox) -> None:
        self.app = app
        self.client = client
        self.mailbox = mailbox

    async def subscribe(self, ip: str = "192.0.2.1", **fields: Any) -> httpx.Response:
        data = {"lists": ["monthly"], **fields}
        return await self.client.post(
            "/subscribe", data=data, headers={"X-Test-Ip": ip}, follow_redirects=False
        )


def prepare_lists(db: Database, now: datetime) -> None:
    """The lists the form offers (what a database of any revision can take)."""
    for name, description in LISTS.items():
        add_list(db, name, description=description, now=now)


def prepare(db: Database, now: datetime) -> None:
    """The lists and interests the form offers."""
    prepare_lists(db, now)
    for slug in INTERESTS:
        add_interest(db, slug, titles={"en": slug.capitalize()}, public=True)


@asynccontextmanager
async def public_site(
    db_url: str, clock: Clock, *, smtp_port: int | None = None, **settings: str
) -> AsyncIterator[PublicSite]:
    """The app with its SMTP relay at a fresh aiosmtpd server (or at ``smtp_port``)."""
    mailbox = Mailbox()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(mailbox), "127.0.0.1", 0)
    port = smtp_port or server.sockets[0].getsockname()[1]
    app = App(
        settings_for(
            db_url,
            smtp_port=port,
            web__base_url=BASE,
            sender__domain="news.example.org",
            smtp__timeout="5",
            **settings,
        ),
        clock=clock,
    )
    web = create_app(app)
    async with server:
        # one transport per client IP: the tests choose the visitor's address
        transport = _PerIpTransport(web)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield PublicSite(app, client, mailbox)
    app.close()


class _PerIpTransport(httpx.AsyncBaseTransport):
    """ASGI in process; the ``X-Test-Ip`` request header becomes the client address."""

    def __init__(self, web: Any) -> None:
        self.web = web
        self.by_ip: dict[str, httpx.ASGITransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        ip = request.headers.get("x-test-ip", "198.51.100.7")
        transport = self.by_ip.setdefault(ip, httpx.ASGITransport(app=self.web, client=(ip, 40000)))
        return await transport.handle_async_request(request)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def public_db(db: Database, clock: Clock) -> Database:
    """The test database with the lists and interests of the form."""
    prepare(db, clock())
    return db
