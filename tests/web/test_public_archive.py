"""The public archive of sent issues over HTTP, on both databases."""

from __future__ import annotations

import asyncio
import hashlib
import tomllib

import sqlalchemy as sa

from mailer.db import Database
from mailer.db.schema import campaign, subscriber
from tests.conftest import REPO, sendable_text
from tests.web.conftest import BASE, Clock, public_site

SAMPLE = sendable_text(REPO / "campaigns" / "2026-12-digest")  # as sent: approaches resolved
SUBJECTS = {lang: c["subject"] for lang, c in tomllib.loads(SAMPLE)["content"].items()}


def store(db: Database, slug: str, state: str, clock: Clock) -> None:
    now = clock()
    with db.write() as conn:
        conn.execute(
            sa.insert(campaign).values(
                slug=slug,
                state=state,
                source=SAMPLE,
                source_hash=hashlib.sha256(SAMPLE.encode()).hexdigest(),
                created_at=now,
                updated_at=now,
                started_at=now,
                finished_at=now if state == "sent" else None,
            )
        )


def test_the_archive_shows_sent_issues_only_without_personal_data(
    db: Database, db_url: str, clock: Clock
) -> None:
    store(db, "2026-12-digest", "sent", clock)
    with db.write() as conn:  # a subscriber whose data must never show in the archive
        conn.execute(
            sa.insert(subscriber).values(
                email="nino@example.org",
                email_key="nino@example.org",
                name="Нино Secretname",
                status="active",
                attributes={},
                created_at=clock(),
                updated_at=clock(),
            )
        )
    store(db, "2027-01-draft", "draft", clock)
    store(db, "2027-01-running", "sending", clock)

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            client = site.client
            index = await client.get("/archive", headers={"Accept-Language": "ru"})
            assert index.status_code == 200
            assert '<html lang="ru"' in index.text
            assert SUBJECTS["ru"] in index.text
            assert "/archive/2026-12-digest?lang=ka" in index.text
            assert "2027-01-draft" not in index.text
            assert "2027-01-running" not in index.text

            issue = await client.get("/archive/2026-12-digest?lang=ka")
            assert issue.status_code == 200
            assert issue.headers["content-language"] == "ka"
            assert SUBJECTS["ka"] in issue.text
            policy = issue.headers["content-security-policy"]
            assert "script-src" not in policy
            assert "default-src 'none'" in policy
            assert issue.headers["x-frame-options"] == "DENY"
            assert "Secretname" not in issue.text
            assert "nino@example.org" not in issue.text
            assert "/u/" not in issue.text
            assert "/preferences/" not in issue.text
            assert f"{BASE}/subscribe?lang=ka" in issue.text

            english = await client.get("/archive/2026-12-digest?lang=en")
            assert "Dear colleague," in english.text  # the anonymous greeting, never a name

            latin = await client.get("/archive/2026-12-digest?lang=sr-Latn")
            assert latin.headers["content-language"] == "sr-Latn"  # made from the Cyrillic
            fallback = await client.get("/archive/2026-12-digest?lang=be")
            assert fallback.headers["content-language"] == "ru"  # the issue's fallback chain
            browser = await client.get(
                "/archive/2026-12-digest", headers={"Accept-Language": "ru-RU,ru;q=0.9"}
            )
            assert browser.headers["content-language"] == "ru"
            unknown = await client.get("/archive/2026-12-digest?lang=zz")
            assert unknown.headers["content-language"] == "en"  # the issue's first language

            for slug in ("no-such-issue", "2027-01-draft", "2027-01-running"):
                missing = await client.get(f"/archive/{slug}")
                assert missing.status_code == 404, slug
                assert "There is no such issue" in missing.text

    asyncio.run(scenario())


def test_an_empty_archive_says_so(db: Database, db_url: str, clock: Clock) -> None:
    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            response = await site.client.get("/archive?lang=en")
            assert response.status_code == 200
            assert "No issue has been sent yet." in response.text

    asyncio.run(scenario())


def test_an_address_no_issue_could_have_is_a_plain_404(
    db: Database, db_url: str, clock: Clock
) -> None:
    """A NUL, a very long name or upper case names no issue: "not found", on both databases
    (PostgreSQL refused the NUL itself, and the page answered 503)."""

    async def scenario() -> None:
        async with public_site(db_url, clock) as site:
            for slug in ("%00", "a%00b", "x" * 5000, "DECEMBER", "..%2f..%2fetc"):
                response = await site.client.get(f"/archive/{slug}?lang=en")
                assert response.status_code == 404, (slug[:20], response.status_code)

    asyncio.run(scenario())
