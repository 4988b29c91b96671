"""Unicode digits from outside: '²' passes ``str.isdigit`` but ``int()`` refuses it, and '٣'
(Arabic-Indic three) ``int()`` reads as 3. Every surface that reads a number answers both with
a 4xx naming what was wrong, never a 500 and never as another number."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from mailer.core.text import ascii_int, is_ascii_digits
from tests.conftest import Cli
from tests.integration.test_bounce_webhooks import MAILGUN_KEY
from tests.web.test_api_auth import Api, token_for
from tests.web.test_staff_support import add_people, add_staff, make_app, signed_in

ODD_DIGITS = ("²", "٣", "1²", "٣٣")
SUBSCRIBERS = "/api/v1/subscribers"


@pytest.fixture
def api(db_url: str, tmp_path: Path) -> Api:
    app = make_app(db_url, tmp_path, webhooks__mailgun_signing_key=MAILGUN_KEY)
    add_people(app, tmp_path)
    add_staff(app)
    return Api(app, token_for(app))


def test_only_ascii_digits_are_numbers() -> None:
    assert [is_ascii_digits(text) for text in ("0", "42", "", "²", "٣", "4 2", "-1")] == [
        True,
        True,
        False,
        False,
        False,
        False,
        False,
    ]
    assert [ascii_int(text) for text in ("7", "007", "²", "٣", "")] == [7, 7, None, None, None]


def test_api_ids_in_unicode_digits_are_404_and_name_nobody(api: Api) -> None:
    third = api.get(f"{SUBSCRIBERS}/3")
    assert third.status_code == 200  # '٣' must not read as this one
    for ref in ODD_DIGITS:
        found = api.get(f"{SUBSCRIBERS}/{ref}")
        assert found.status_code == 404, (ref, found.text)
        assert "no subscriber" in found.json()["error"]
        changed = api("PATCH", f"{SUBSCRIBERS}/{ref}", json={"name": "X"})
        assert changed.status_code == 404, (ref, changed.text)
        erased = api("DELETE", f"{SUBSCRIBERS}/{ref}")  # neither an id nor an address
        assert (erased.status_code, erased.json()["field"]) == (422, "email"), erased.text
    assert api.get(f"{SUBSCRIBERS}/3").json() == third.json()


def test_ages_in_unicode_digits_are_refused(api: Api) -> None:
    for ref in ODD_DIGITS:
        response = api.get("/api/v1/bounces", params={"since": f"{ref}d"})
        assert response.status_code == 422, (ref, response.text)
        assert response.json()["field"] == "since"

    async def staff() -> None:
        async with signed_in(api.app) as (http, _):
            for ref in ODD_DIGITS:
                page = await http.get("/staff/bounces", params={"since": f"{ref}d"})
                assert page.status_code == 400, (ref, page.text)
                assert "expected 7d" in page.text

    asyncio.run(staff())


def test_content_length_in_unicode_digits_is_400(api: Api) -> None:
    # Starlette reads header bytes as Latin-1: b"\xb2" is '²'; '٣' has no Latin-1 form
    odd = {"Content-Length": b"\xb2", "Content-Type": "application/json"}
    created = api.post(SUBSCRIBERS, content=b"{}", headers=odd)
    assert created.status_code == 400, created.text
    assert "Content-Length" in created.json()["error"]
    form = {"Content-Length": b"\xb2", "Content-Type": "application/x-www-form-urlencoded"}
    signup = api.post("/subscribe", content=b"email=a%40example.org", headers=form, token=None)
    assert signup.status_code == 400, signup.text


def test_tokens_in_unicode_digits_are_404(api: Api) -> None:
    for ref in ODD_DIGITS:
        for path in (
            f"/u/{ref}",
            f"/preferences/{ref}",
            f"/confirm/{ref}",
            f"/t/c/{ref}",
            f"/u/k1.s{ref}.AAAAAAAAAAAAAAAAAAAAAA",
        ):
            response = api.get(path, token=None)
            assert response.status_code == 404, (path, response.status_code)
        pixel = api.get(f"/t/o/{ref}.gif", token=None)  # a pixel is always an image
        assert (pixel.status_code, pixel.headers["content-type"]) == (200, "image/gif")


def test_webhook_timestamps_in_unicode_digits_are_refused(api: Api) -> None:
    for stamp in ODD_DIGITS:
        token = "t" * 50
        digest = hmac.new(MAILGUN_KEY.encode(), (stamp + token).encode(), hashlib.sha256)
        signature = {"timestamp": stamp, "token": token, "signature": digest.hexdigest()}
        event = {"event": "failed", "severity": "permanent", "recipient": "ana@example.org"}
        body = json.dumps({"signature": signature, "event-data": event}).encode()
        response = api.post("/webhooks/mailgun", content=body, token=None)
        assert response.status_code == 403, (stamp, response.text)
        assert "timestamp" in response.json()["error"]
    assert api.get(f"{SUBSCRIBERS}/ana@example.org").json()["status"] == "active"


def test_cli_numbers_in_unicode_digits_are_refused(api: Api, cli: Cli) -> None:
    token_for(api.app, "lists:read", name="crm")
    for ref in ODD_DIGITS:
        revoked = cli("tokens", "revoke", ref)
        assert revoked.exit_code == 2, (ref, revoked.output)
        assert "no API token" in revoked.stderr, revoked.stderr
        since = cli("bounces", "list", "--since", f"{ref}d")
        assert since.exit_code == 2, (ref, since.output)
