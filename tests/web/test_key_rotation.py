"""Rotating secrets.key: links in mail already sent keep working while the old key is listed in
secrets.old_keys, and stop when it is dropped; new links name the new key."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from mailer.app import App
from mailer.core.links import unsubscribe_url
from mailer.core.tokens import key_id_of
from mailer.db import Database
from mailer.web.app import create_app
from tests.conftest import TEST_SECRET, Cli, link_nonce, settings_for

NEW = "a-new-secret-key-for-rotation-0123456789"


def status_of(app: App, url: str) -> int:
    async def main() -> int:
        transport = httpx.ASGITransport(app=create_app(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://mailer.test") as client:
            return (await client.get(url)).status_code

    return asyncio.run(main())


def test_old_links_verify_while_the_old_key_is_kept(
    cli: Cli, db: Database, db_url: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("email\nana@example.org\n")
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    with db.read() as conn:
        subscriber_id = conn.exec_driver_sql("SELECT id FROM subscriber").scalar_one()
    nonce = link_nonce(db, subscriber_id)
    sent_before = unsubscribe_url("", TEST_SECRET, subscriber_id, nonce)  # in mail already sent
    rotated = App(settings_for(db_url, secrets__key=NEW, secrets__old_keys=TEST_SECRET))
    assert status_of(rotated, sent_before) == 200
    sent_after = unsubscribe_url("", NEW, subscriber_id, nonce)
    assert sent_after.startswith(f"/u/{key_id_of(NEW)}.")
    assert status_of(rotated, sent_after) == 200
    dropped = App(settings_for(db_url, secrets__key=NEW))
    assert status_of(dropped, sent_before) == 404
    assert status_of(dropped, sent_after) == 200
