"""Signing in and out of the staff UI, sessions, CSRF, rate limits and security headers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from mailer.access import staff
from mailer.app import App
from mailer.campaigns import overview
from mailer.web.app import create_app
from tests.conftest import Cli, table_count
from tests.web.test_staff_support import (
    BASE,
    EMAIL,
    PASSWORD,
    SLUG,
    Clock,
    add_people,
    add_staff,
    client,
    csrf_of,
    login,
    make_app,
    signed_in,
    staff_routes,
    text_of,
)


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    return made


def test_sign_in_opens_the_dashboard_and_sign_out_ends_the_session(app: App) -> None:
    async def scenario() -> None:
        async with client(app) as http:
            response = await login(http)
            assert response.status_code == 303
            assert response.headers["location"] == "/staff/"
            page = await http.get("/staff/")
            assert page.status_code == 200
            assert text_of(page.text, "signed-in-as") == f"Signed in as {EMAIL}"
            out = await http.post("/staff/logout", data={"csrf": csrf_of(page.text)})
            assert out.status_code == 303
            assert out.headers["location"] == "/staff/login"
            after = await http.get("/staff/")
            assert after.status_code == 303
            assert after.headers["location"].startswith("/staff/login")

    asyncio.run(scenario())


def test_a_wrong_password_or_unknown_address_gets_no_session(app: App) -> None:
    async def scenario() -> None:
        async with client(app) as http:
            for email, password in ((EMAIL, "not the password!"), ("nobody@example.org", PASSWORD)):
                response = await login(http, email, password)
                assert response.status_code == 401
                assert "Wrong email address or password." in response.text
                assert "mailer_staff=" not in response.headers.get("set-cookie", "")
            assert (await http.get("/staff/")).status_code == 303

    asyncio.run(scenario())


def test_a_disabled_user_cannot_sign_in_and_loses_open_sessions(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            staff.set_disabled(app.database, EMAIL, disabled=True, now=app.clock())
            assert (await http.get("/staff/campaigns")).status_code == 303
            response = await login(http)
            assert response.status_code == 403
            assert "This account is disabled" in response.text
            staff.set_disabled(app.database, EMAIL, disabled=False, now=app.clock())
            http.cookies.clear()
            assert (await login(http)).status_code == 303

    asyncio.run(scenario())


@asynccontextmanager
async def from_ips(app: App, *ips: str) -> AsyncIterator[list[httpx.AsyncClient]]:
    """One web app, one client per visitor address (each with its own cookies)."""
    web = create_app(app)
    async with AsyncExitStack() as stack:
        clients = []
        for ip in ips:
            transport = httpx.ASGITransport(app=web, client=(ip, 40000))
            http = httpx.AsyncClient(transport=transport, base_url=BASE)
            clients.append(await stack.enter_async_context(http))
        yield clients


def test_failures_from_one_address_slow_it_down_and_never_lock_the_account_out(
    db_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    app = make_app(db_url, tmp_path, clock=clock)
    add_staff(app)

    async def scenario() -> None:
        ips = ("198.51.100.66", "203.0.113.5", "2001:db8::1", "2001:db8::2:3")
        async with from_ips(app, *ips) as (attacker, colleague, attacker_v6, same_network):
            for _ in range(5):  # the first failures cost nothing
                assert (await login(attacker, EMAIL, "wrong password!!")).status_code == 401
            slowed = await login(attacker)  # even the right password waits now
            assert slowed.status_code == 429
            assert "Too many sign-in attempts" in slowed.text
            assert int(slowed.headers["retry-after"]) == 1
            # the same account from another address: the right password works at once
            assert (await login(colleague)).status_code == 303
            colleague.cookies.clear()  # signed out again
            clock.now += timedelta(seconds=1)
            assert (await login(attacker, EMAIL, "wrong password!!")).status_code == 401
            waits = []
            for _ in range(10):  # each failure doubles the wait, up to 15 minutes
                refused = await login(attacker, EMAIL, "wrong password!!")
                assert refused.status_code == 429
                waits.append(int(refused.headers["retry-after"]))
                clock.now += timedelta(seconds=waits[-1])
                assert (await login(attacker, EMAIL, "wrong password!!")).status_code == 401
            assert waits[:4] == [2, 4, 8, 16]
            assert waits[-1] == 900
            assert (await login(colleague)).status_code == 303  # still no lock-out
            # an IPv6 client is one /64: its other addresses share the slow-down
            for _ in range(5):
                await login(attacker_v6, EMAIL, "wrong password!!")
            assert (await login(same_network)).status_code == 429
            # after waiting, the right password works and the slate is clean
            clock.now += timedelta(seconds=900)
            assert (await login(attacker)).status_code == 303
            attacker.cookies.clear()
            assert (await login(attacker, EMAIL, "wrong password!!")).status_code == 401

    asyncio.run(scenario())


def test_sign_in_attempts_are_limited_per_ip(app: App) -> None:
    async def scenario() -> None:
        async with from_ips(app, "198.51.100.70", "198.51.100.71") as (flood, other):
            for number in range(20):  # 20 attempts per 5 minutes, whatever the addresses
                response = await login(flood, f"guess{number}@example.org", "whatever-password")
                assert response.status_code == 401
            limited = await login(flood)
            assert limited.status_code == 429
            assert int(limited.headers["retry-after"]) > 0
            assert (await login(other)).status_code == 303

    asyncio.run(scenario())


def test_every_staff_page_sends_a_signed_out_visitor_to_the_login_page(app: App) -> None:
    paths = staff_routes(app, "GET")
    assert "/staff/" in paths
    assert f"/staff/campaigns/{SLUG}/progress" in paths

    async def scenario() -> None:
        async with client(app) as http:
            for path in paths:
                response = await http.get(path)
                assert response.status_code == 303, path
                assert response.headers["location"].startswith("/staff/login?next="), path
            for path in staff_routes(app, "POST"):
                response = await http.post(path, data={"csrf": "anything"})
                assert response.status_code == 303, path
                assert response.headers["location"] == "/staff/login", path
            http.cookies.set(
                "mailer_staff", "k1.1:9999999999:x:y.sig", domain="mailer.test", path="/staff"
            )
            assert (await http.get("/staff/")).status_code == 303

    asyncio.run(scenario())


def test_after_sign_in_the_visitor_returns_to_the_page_asked_for_never_elsewhere(app: App) -> None:
    async def scenario() -> None:
        async with client(app) as http:
            asked = await http.get("/staff/bounces?kind=hard")
            assert asked.headers["location"] == "/staff/login?next=%2Fstaff%2Fbounces%3Fkind%3Dhard"
            form = await http.get(asked.headers["location"])
            assert 'name="next" value="/staff/bounces?kind=hard"' in form.text
            back = await login(http, next_="/staff/bounces?kind=hard")
            assert back.headers["location"] == "/staff/bounces?kind=hard"
        for elsewhere in ("//evil.example/x", "https://evil.example/", "/staff/\\evil"):
            async with client(app) as http:
                response = await login(http, next_=elsewhere)
                assert response.headers["location"] == "/staff/", elsewhere

    asyncio.run(scenario())


def test_session_cookie_is_httponly_samesite_and_secure_behind_https(
    db_url: str, tmp_path: Path
) -> None:
    async def cookie_of(app: App) -> str:
        async with client(app, app.settings.web.base_url) as http:
            response = await login(http)
        cookies = response.headers.get_list("set-cookie")
        return next(c for c in cookies if c.startswith("mailer_staff="))

    plain = make_app(db_url, tmp_path)
    add_staff(plain)
    cookie = asyncio.run(cookie_of(plain)).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/staff" in cookie
    assert "max-age=43200" in cookie
    assert "secure" not in cookie
    https = make_app(db_url, tmp_path, web__base_url="https://news.example.org")
    assert "secure" in asyncio.run(cookie_of(https)).lower()


def test_a_session_ends_after_twelve_hours(db_url: str, tmp_path: Path) -> None:
    clock = Clock()
    app = make_app(db_url, tmp_path, clock=clock)
    add_staff(app)

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            clock.now += timedelta(hours=11, minutes=59)
            assert (await http.get("/staff/")).status_code == 200
            clock.now += timedelta(minutes=2)
            assert (await http.get("/staff/")).status_code == 303

    asyncio.run(scenario())


def test_every_post_without_or_with_a_wrong_csrf_token_is_refused(app: App, tmp_path: Path) -> None:
    add_people(app, tmp_path)
    posts = staff_routes(app, "POST")
    assert {
        f"/staff/campaigns/{SLUG}/approve",
        "/staff/logout",
        "/staff/subscribers/import",
    } <= set(posts)
    people_before = table_count(app.database, "subscriber")

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            other_session = csrf[:-4] + ("AAAA" if not csrf.endswith("AAAA") else "BBBB")
            for path in posts:
                for data in ({}, {"csrf": ""}, {"csrf": other_session}, {"csrf": "ключ"}):
                    form = {**data, "addresses": "qa@example.org", "list": "members"}
                    upload = ("people.csv", b"email\nnew@example.org\n", "text/csv")
                    files = {"file": upload} if path.endswith("/import") else None  # else 415
                    response = await http.post(path, data=form, files=files)
                    assert response.status_code == 403, (path, data)
                    assert "CSRF" in text_of(response.text, "error-message")
            assert (await http.get("/staff/")).status_code == 200  # logout was refused too
        async with client(app) as http:  # the login form has its own token
            await http.get("/staff/login")
            response = await http.post("/staff/login", data={"email": EMAIL, "password": PASSWORD})
            assert response.status_code == 403
            forged = {"csrf": "ключ", "email": EMAIL, "password": PASSWORD}
            assert (await http.post("/staff/login", data=forged)).status_code == 403

    asyncio.run(scenario())
    assert overview.summary(app.database, SLUG).state == "draft"
    assert table_count(app.database, "subscriber") == people_before


def test_staff_pages_carry_security_headers_and_no_inline_script(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            for path in ("/staff/", f"/staff/campaigns/{SLUG}", "/staff/login"):
                response = await http.get(path, follow_redirects=True)
                policy = response.headers["content-security-policy"]
                assert "script-src 'self'" in policy
                assert "unsafe-inline" not in policy
                assert "frame-ancestors 'none'" in policy
                assert response.headers["x-frame-options"] == "DENY"
                assert response.headers["referrer-policy"] == "no-referrer"
                assert response.headers["x-content-type-options"] == "nosniff"
                scripts = re.findall(r"<script[^>]*>", response.text)
                assert scripts == ['<script src="/static/staff.js" defer>'], path
            frame = await http.get(f"/staff/campaigns/{SLUG}/preview.html?lang=en")
            assert frame.headers["content-security-policy"].startswith("sandbox;")
            assert "script-src" not in frame.headers["content-security-policy"]
            assert frame.headers["x-frame-options"] == "SAMEORIGIN"
            static = await http.get("/static/staff.js")
            assert static.status_code == 200
            assert "progressUrl" in static.text

    asyncio.run(scenario())


def test_users_commands_add_list_and_disable(cli: Cli, db_url: str) -> None:
    added = cli("users", "add", "Lead@Example.org", "--password-stdin", input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "created staff user lead@example.org" in added.output
    prompted = cli("users", "add", "second@example.org", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    assert "Repeat the password" in prompted.output
    again = cli("users", "add", "lead@example.org", "--password-stdin", input=PASSWORD + "\n")
    assert again.exit_code == 2
    assert "already exists" in again.output
    short = cli("users", "add", "third@example.org", "--password-stdin", input="short\n")
    assert short.exit_code == 2
    assert "password: must be at least 12 characters" in short.output
    assert cli("users", "disable", "lead@example.org").exit_code == 0
    listed = cli("users", "list").output
    assert "lead@example.org\tdisabled\tlast sign-in never" in listed
    assert "second@example.org\tactive" in listed
    assert "third@example.org" not in listed
    missing = cli("users", "disable", "nobody@example.org")
    assert missing.exit_code == 2
    assert "no staff user 'nobody@example.org'" in missing.output
