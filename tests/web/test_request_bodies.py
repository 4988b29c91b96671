"""Request bodies are refused before they are read: forms without a file take at most
``web.max_form_bytes`` and no multipart; uploads check the session or token first, then their
cap. Each body here is a generator that counts what the app pulled from it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from mailer.app import App
from mailer.web.app import create_app
from tests.web.test_api_auth import token_for
from tests.web.test_staff_support import (
    BASE,
    add_staff,
    csrf_of,
    login,
    make_app,
    staff_routes,
)

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=b0"
CHUNK = 64 * 1024
FORM_CAP = 16 * 1024
UPLOAD_CAP = 1024 * 1024
UPLOADS = {
    "/staff/subscribers/import",
    "/api/v1/subscribers/import",
    "/staff/issues/images",
    "/staff/translations/upload",
    "/staff/library/translations/upload",
}


class Body:
    """A request body of ``total`` bytes, made only as the app pulls it."""

    def __init__(self, total: int, start: bytes = b"") -> None:
        self.total = total
        self.start = start
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.start:
            self.pulled += len(self.start)
            yield self.start
        while self.pulled < self.total:
            self.pulled += CHUNK
            yield b"x" * CHUNK


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path, web__max_upload_bytes=str(UPLOAD_CAP))
    add_staff(made)
    return made


PUBLIC_FORMS = [  # not in the OpenAPI document; every POST route of mailer/web/public
    "/subscribe",
    "/confirm/t0ken",
    "/u/t0ken",
    "/preferences/t0ken",
    "/preferences/t0ken/export",
    "/preferences/t0ken/erase",
]


EDITOR_CAP = 4 * 1024 * 1024  # the issue editor posts a whole issue (mailer/web/app.py)


def editor_routes(app: App) -> list[str]:
    return [
        path
        for path in staff_routes(app, "POST")
        if path.startswith("/staff/issues/") and path not in UPLOADS
    ]


def form_routes(app: App) -> list[str]:
    """Every POST route of the public pages and the staff UI that takes no file (but the
    editor's, which take a whole issue)."""
    editor = set(editor_routes(app))
    staff = [p for p in staff_routes(app, "POST") if p not in UPLOADS and p not in editor]
    return ["/staff/login", *staff, *PUBLIC_FORMS]


def test_the_editor_takes_a_whole_issue_and_no_more(app: App) -> None:
    paths = editor_routes(app)
    assert "/staff/issues/2026-12-digest/edit" in paths

    async def scenario() -> None:
        async with signed_in_client(create_app(app)) as http:
            for path in paths:
                streamed = Body(8 * 1024 * 1024)
                response = await http.post(path, content=streamed, headers={"Content-Type": FORM})
                assert response.status_code in {400, 413}, path  # 400: a field over 1 MB
                assert streamed.pulled <= EDITOR_CAP + CHUNK, (path, streamed.pulled)
                declared = Body(1024**3)
                headers = {"Content-Type": FORM, "Content-Length": str(1024**3)}
                response = await http.post(path, content=declared, headers=headers)
                assert response.status_code == 413, path
                assert declared.pulled == 0, path

    asyncio.run(scenario())


@asynccontextmanager
async def signed_in_client(web: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=web, client=("198.51.100.20", 40000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        assert (await login(http)).status_code == 303
        yield http


def test_every_form_refuses_a_large_body_before_reading_it(app: App) -> None:
    paths = form_routes(app)
    assert {"/staff/login", "/staff/logout", "/subscribe", "/u/t0ken"} <= set(paths)
    assert "/staff/campaigns/2026-12-digest/approve" in paths

    async def scenario() -> None:
        async with signed_in_client(create_app(app)) as http:
            for path in paths:
                streamed = Body(8 * 1024 * 1024)  # no Content-Length: counted while read
                response = await http.post(path, content=streamed, headers={"Content-Type": FORM})
                assert response.status_code == 413, path
                assert streamed.pulled <= FORM_CAP + CHUNK, (path, streamed.pulled)
                declared = Body(1024**3)  # Content-Length says 1 GB: refused unread
                headers = {"Content-Type": FORM, "Content-Length": str(1024**3)}
                response = await http.post(path, content=declared, headers=headers)
                assert response.status_code == 413, path
                assert declared.pulled == 0, path

    asyncio.run(scenario())


def test_forms_without_a_file_refuse_multipart_unread(app: App) -> None:
    async def scenario() -> None:
        web = create_app(app)
        transport = httpx.ASGITransport(app=web, client=("198.51.100.21", 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            page = await http.get("/staff/login")
            for path in ("/staff/login", "/subscribe", "/preferences/t0ken"):
                body = Body(1024**3, start=b"--b0\r\n")
                headers = {"Content-Type": MULTIPART}
                response = await http.post(path, content=body, headers=headers)
                assert response.status_code == 415, path
                assert body.pulled == 0, path
            # the 1 GB multipart sign-in of the report: refused before a byte is read
            body = Body(1024**3, start=b"--b0\r\n")
            headers = {"Content-Type": MULTIPART, "Content-Length": str(1024**3)}
            response = await http.post("/staff/login", content=body, headers=headers)
            assert response.status_code == 413
            assert body.pulled == 0
            assert "larger than this form accepts" in response.text
            assert response.headers["x-frame-options"] == "DENY"
            # the page still signs in with an ordinary form
            data = {"csrf": csrf_of(page.text), "email": "editor@example.org"}
            assert (await http.post("/staff/login", data=data)).status_code == 401
            # RFC 8058: a one-click unsubscribe may come as multipart/form-data
            one_click = (
                b'--b0\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
                b"One-Click\r\n--b0--\r\n"
            )
            response = await http.post(
                "/u/t0ken",
                content=one_click,
                headers=headers | {"Content-Length": str(len(one_click))},
            )
            assert response.status_code == 404  # read, then the unknown link answered

    asyncio.run(scenario())


def upload(total: int, csrf: str = "") -> Body:
    head = (
        f'--b0\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
        '--b0\r\nContent-Disposition: form-data; name="list"\r\n\r\nmembers\r\n'
        '--b0\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nemail\r\n"
    )
    return Body(total, start=head.encode())


def test_the_staff_upload_checks_the_session_first_then_its_cap(app: App) -> None:
    async def scenario() -> None:
        web = create_app(app)
        transport = httpx.ASGITransport(app=web, client=("198.51.100.22", 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as stranger:
            body = upload(64 * 1024 * 1024)
            headers = {"Content-Type": MULTIPART}
            response = await stranger.post(
                "/staff/subscribers/import", content=body, headers=headers
            )
            assert response.status_code == 303  # to the sign-in page
            assert body.pulled <= CHUNK
        async with signed_in_client(web) as http:
            csrf = csrf_of((await http.get("/staff/subscribers/import")).text)
            body = upload(64 * 1024 * 1024, csrf)
            response = await http.post(
                "/staff/subscribers/import", content=body, headers={"Content-Type": MULTIPART}
            )
            assert response.status_code == 413
            assert body.pulled <= UPLOAD_CAP + 2 * CHUNK
            declared = upload(64 * 1024 * 1024, csrf)
            length = {"Content-Type": MULTIPART, "Content-Length": str(64 * 1024 * 1024)}
            response = await http.post(
                "/staff/subscribers/import", content=declared, headers=length
            )
            assert response.status_code == 413
            assert declared.pulled == 0

    asyncio.run(scenario())


def test_the_api_upload_checks_the_token_first_then_its_cap(app: App) -> None:
    reader = token_for(app, "subscribers:read", name="reader")
    writer = token_for(app, "subscribers:write", name="writer")

    async def post(token: str | None) -> tuple[int, int]:
        transport = httpx.ASGITransport(app=create_app(app), client=("203.0.113.9", 40000))
        headers = {"Content-Type": MULTIPART}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = upload(64 * 1024 * 1024)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            response = await http.post("/api/v1/subscribers/import", content=body, headers=headers)
        return response.status_code, body.pulled

    no_token, pulled = asyncio.run(post(None))
    assert (no_token, pulled) == (401, 0)
    wrong_scope, pulled = asyncio.run(post(reader))
    assert (wrong_scope, pulled) == (403, 0)
    too_big, pulled = asyncio.run(post(writer))
    assert too_big == 413
    assert pulled <= UPLOAD_CAP + 2 * CHUNK
