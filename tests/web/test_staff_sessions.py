"""Staff sessions end on the server: sign-out, "sign out everywhere", ``mailer users sign-out``,
disabling an account, and rotating ``secrets.key`` (sessions verify with the current key only)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx

from mailer.app import App
from mailer.web.app import create_app
from tests.conftest import TEST_SECRET, Cli
from tests.web.test_staff_support import (
    BASE,
    EMAIL,
    Clock,
    add_staff,
    csrf_of,
    login,
    make_app,
)

COOKIE = "mailer_staff"
NEW_KEY = "a-new-secret-key-for-rotation-0123456789"


async def sign_in(app: App) -> str:
    """A fresh browser signs in; the value of its session cookie (what a thief would copy)."""
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        assert (await login(http)).status_code == 303
        return http.cookies[COOKIE]


async def page_with(app: App, cookie: str, path: str = "/staff/") -> httpx.Response:
    """``path`` requested with only this session cookie (a copy of it, in another browser)."""
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        http.cookies.set(COOKIE, cookie, domain="mailer.test", path="/staff")
        return await http.get(path)


async def post_with(app: App, cookie: str, path: str) -> httpx.Response:
    """Open the dashboard with ``cookie`` and post the form at ``path`` with its CSRF token."""
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        http.cookies.set(COOKIE, cookie, domain="mailer.test", path="/staff")
        page = await http.get("/staff/")
        assert page.status_code == 200
        return await http.post(path, data={"csrf": csrf_of(page.text)})


def signed_out(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith("/staff/login")


def test_sign_out_ends_the_session_on_the_server_and_older_ones_too(
    db_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    app = make_app(db_url, tmp_path, clock=clock)
    add_staff(app)

    async def scenario() -> None:
        older = await sign_in(app)  # e.g. a cookie copied yesterday
        clock.now += timedelta(minutes=5)
        laptop = await sign_in(app)
        clock.now += timedelta(minutes=5)
        phone = await sign_in(app)
        clock.now += timedelta(minutes=5)
        out = await post_with(app, laptop, "/staff/logout")
        assert signed_out(out)
        assert signed_out(await page_with(app, laptop))  # the copied cookie is dead too
        assert signed_out(await page_with(app, older))
        assert (await page_with(app, phone)).status_code == 200  # started later: still on
        again = await sign_in(app)  # signing in again at once works
        assert (await page_with(app, again)).status_code == 200

    asyncio.run(scenario())


def test_sign_out_everywhere_ends_every_session_of_that_person_only(
    db_url: str, tmp_path: Path
) -> None:
    app = make_app(db_url, tmp_path)  # the clock never moves: same-instant sessions end too
    add_staff(app)
    add_staff(app, "colleague@example.org")

    async def scenario() -> None:
        laptop, phone = await sign_in(app), await sign_in(app)
        transport = httpx.ASGITransport(app=create_app(app))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            assert (await login(http, "colleague@example.org")).status_code == 303
            colleague = http.cookies[COOKIE]
        page = await page_with(app, phone)
        assert 'id="logout-everywhere"' in page.text
        out = await post_with(app, phone, "/staff/logout-everywhere")
        assert signed_out(out)
        assert signed_out(await page_with(app, laptop))
        assert signed_out(await page_with(app, phone))
        assert (await page_with(app, colleague)).status_code == 200
        fresh = await sign_in(app)
        assert (await page_with(app, fresh)).status_code == 200

    asyncio.run(scenario())


def test_the_cli_signs_a_person_out_everywhere(cli: Cli, db_url: str, tmp_path: Path) -> None:
    app = make_app(db_url, tmp_path)
    add_staff(app)
    cookie = asyncio.run(sign_in(app))
    assert asyncio.run(page_with(app, cookie)).status_code == 200
    result = cli("users", "sign-out", "Editor@Example.org")
    assert result.exit_code == 0, result.output
    assert f"signed {EMAIL} out of every browser" in result.output
    assert signed_out(asyncio.run(page_with(app, cookie)))
    unknown = cli("users", "sign-out", "nobody@example.org")
    assert unknown.exit_code != 0
    assert "nobody@example.org" in unknown.output


def test_disabling_ends_sessions_for_good(cli: Cli, db_url: str, tmp_path: Path) -> None:
    app = make_app(db_url, tmp_path)
    add_staff(app)
    cookie = asyncio.run(sign_in(app))
    assert cli("users", "disable", EMAIL).exit_code == 0
    assert cli("users", "enable", EMAIL).exit_code == 0
    assert signed_out(asyncio.run(page_with(app, cookie)))  # enabling revives nothing


def test_sessions_verify_with_the_current_key_only(db_url: str, tmp_path: Path) -> None:
    app = make_app(db_url, tmp_path)
    add_staff(app)
    cookie = asyncio.run(sign_in(app))
    rotated = make_app(db_url, tmp_path, secrets__key=NEW_KEY, secrets__old_keys=TEST_SECRET)
    assert signed_out(asyncio.run(page_with(rotated, cookie)))
    # links in mail still verify with the old key (tests/web/test_key_rotation.py); sessions
    # do not: rotating the key signs everyone out
    assert (asyncio.run(page_with(app, cookie))).status_code == 200
