"""What the staff UI tests share: an app with a staff user, a signed-in client, form tokens.

Everything goes through real HTTP in process (httpx over ASGI) against a real database.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import httpx

from mailer.access import staff
from mailer.app import App
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from mailer.web.app import create_app
from tests.conftest import REPO, sendable_text, settings_for

EMAIL = "editor@example.org"
PASSWORD = "correct horse battery staple"
NOW = datetime(2026, 11, 20, 10, 0)
SAMPLE = REPO / "campaigns" / "2026-12-digest"
SLUG = "2026-12-digest"
BASE = "http://mailer.test"
PEOPLE = (
    "email,name,country,language,interests\n"
    "nino@example.org,Нино,GE,ka,fatherhood\n"
    "ana@example.org,Ana,RS,sr,\n"
    "ivan@example.org,Ivan,BY,ru,\n"
    "sam@example.org,Sam,GB,en,training;violence prevention;research;sexual and reproductive "
    "health;harmful practices;policy advocacy;gender norms;youth engagement\n"
)


class Clock:
    """The only fake: a clock the test moves."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def campaign_folder(root: Path) -> Path:
    """The sample issue as a plain one-off draft (no series, no send_at) under ``root``."""
    folder = root / SLUG
    folder.mkdir(parents=True, exist_ok=True)
    dropped = ("series =", "period =", "send_at =")
    text = sendable_text(SAMPLE)
    kept = [line for line in text.splitlines() if not line.startswith(dropped)]
    (folder / "campaign.toml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return folder


def make_app(
    db_url: str, tmp_path: Path, *, clock: Clock | None = None, smtp_port: int = 25, **extra: str
) -> App:
    """An app whose campaigns folder holds the sample issue, with one staff user."""
    campaigns = tmp_path / "campaigns"
    if not campaigns.exists():
        campaign_folder(campaigns)
    settings = settings_for(db_url, smtp_port=smtp_port, paths__campaigns=str(campaigns), **extra)
    app = App(settings, clock=clock or Clock()).start()
    return app


def add_staff(app: App, email: str = EMAIL, password: str = PASSWORD) -> None:
    staff.add_user(app.database, email, password, now=app.clock(), hasher=app.password_hasher)


def add_people(app: App, tmp_path: Path, text: str = PEOPLE, list_name: str = "members") -> None:
    people = tmp_path / "people.csv"
    people.write_text(text, encoding="utf-8")
    import_file(app.database, people, ImportOptions(list_name=list_name), now=app.clock)


@asynccontextmanager
async def client(app: App, base_url: str = BASE) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
        yield http


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "no CSRF field in the page"
    return unescape(found.group(1))


async def login(
    http: httpx.AsyncClient, email: str = EMAIL, password: str = PASSWORD, *, next_: str = ""
) -> httpx.Response:
    form = await http.get("/staff/login")
    data = {"csrf": csrf_of(form.text), "email": email, "password": password}
    if next_:
        data["next"] = next_
    return await http.post("/staff/login", data=data)


@asynccontextmanager
async def signed_in(app: App) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A client with a session, and that session's CSRF token."""
    async with client(app) as http:
        response = await login(http)
        assert response.status_code == 303, response.text
        page = await http.get("/staff/")
        assert page.status_code == 200
        yield http, csrf_of(page.text)


EXAMPLE_PATH = {
    "slug": SLUG,
    "key": "1700000000.M1P1Q1.host",
    "rest": "no/such/page",
    "name": "0" * 64 + ".png",
    "language": "ka",
    "form": "po",
}


def staff_routes(app: App, method: str) -> list[str]:
    """Every staff route for ``method`` (but the login page), with example path parameters."""
    schema = create_app(app).openapi()["paths"]
    return [
        path.format(**EXAMPLE_PATH)
        for path, operations in schema.items()
        if path.startswith("/staff") and path != "/staff/login" and method.lower() in operations
    ]


class _TextOf(HTMLParser):
    """Collects the text inside the element with a given id (nested elements included)."""

    VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "source", "option"})

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.depth = 0  # > 0 while inside the element
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with this id, whitespace collapsed."""
    parser = _TextOf(element_id)
    parser.feed(html)
    assert parser.found, f"no element #{element_id}"
    return " ".join(" ".join(parser.parts).split())
