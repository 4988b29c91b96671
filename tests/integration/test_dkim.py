"""DKIM: our signer's signatures verify with dkimpy, alone and on messages sent by a worker."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import dkim

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.core.message import MessageHeaders, build_message
from mailer.db import Database
from mailer.smtp.dkim import DkimSigner, create_key_file
from tests.conftest import REPO, Cli, sendable_text, settings_for
from tests.scripted_smtp import ScriptedSmtp

SAMPLE = REPO / "campaigns" / "2026-12-digest"


def verify(message: bytes, signer: DkimSigner) -> bool:
    record = signer.public_record().encode()

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == f"{signer.selector}._domainkey.{signer.domain}.".encode()
        return record

    return bool(dkim.verify(message, dnsfunc=dns))


def test_signature_verifies_and_covers_the_unsubscribe_headers(key_file: Path) -> None:
    signer = DkimSigner.from_file("example.org", "news2026", key_file)
    headers = MessageHeaders(
        sender="EECA Platform <news@example.org>",
        to="Нино Беридзе <nino@example.org>",
        subject="Დეკემბრის დაიჯესტი: ახალი მიდგომები და პარტნიორობა " * 2,  # folded when encoded
        message_id="<d1.c1@example.org>",
        date=datetime(2026, 12, 1, 9, 0),
        list_unsubscribe_url="https://news.example.org/u/k1.s1.sig",
        list_unsubscribe_mailto="mailto:unsubscribe+x@bounces.example.org",
        list_id="<members.example.org>",
        feedback_id="2026-12-digest:ka:newsletter:example.org",
        language="ka",
    )
    body = "Runs  of   spaces,\ttabs\t\tand trailing spaces   \n\n\nblank lines at the end\n\n\n"
    message = build_message(headers, text=body, html="<p>Привет</p>" * 300, boundary="=_b")
    signed = signer.sign(message, timestamp=1_790_000_000)
    assert verify(signed, signer)
    head = signed.split(b"\r\n\r\n")[0].decode()
    h = head.split("h=")[1].split(";")[0]
    assert {
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "list-unsubscribe",
        "list-unsubscribe-post",
    } <= set(h.split(":"))
    tampered = signed.replace(
        b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"List-Unsubscribe-Post: x"
    )
    assert not verify(tampered, signer)


def test_worker_signs_every_message(
    cli: Cli, db: Database, db_url: str, tmp_path: Path, key_file: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "email,name,country,language\na@example.org,Ана,RS,sr\nb@example.org,,GE,ka\n"
    )
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    lifecycle.start(db, source.load_valid(SAMPLE), sendable_text(SAMPLE), now=datetime.now())
    server = ScriptedSmtp()

    async def main() -> App:
        port = await server.start()
        app = App(
            settings_for(
                db_url,
                smtp_port=port,
                dkim__selector="news2026",
                dkim__domain="example.org",
                dkim__private_key_file=str(key_file),
            )
        )
        relay = app.relay()
        await app.dispatcher(relay).run(asyncio.Event(), until_idle=True)
        await relay.close()
        await server.stop()
        return app

    app = asyncio.run(main())
    assert len(server.raw) == 2
    signer = app.dkim_signer()
    assert signer is not None
    assert all(verify(raw, signer) for raw in server.raw)


def test_the_apps_clock_dates_each_message_and_its_signature(
    cli: Cli, db: Database, db_url: str, tmp_path: Path, key_file: Path
) -> None:
    """One clock: Date and DKIM's t= come from App.clock, so a test moves both at once."""
    then = datetime(2024, 3, 1, 12, 0)  # naive UTC
    people = tmp_path / "people.csv"
    people.write_text("email,name,country,language\na@example.org,Ана,RS,sr\n")
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    lifecycle.start(db, source.load_valid(SAMPLE), sendable_text(SAMPLE), now=then)
    server = ScriptedSmtp()

    async def main() -> App:
        port = await server.start()
        app = App(
            settings_for(
                db_url,
                smtp_port=port,
                dkim__selector="news2026",
                dkim__domain="example.org",
                dkim__private_key_file=str(key_file),
            ),
            clock=lambda: then,
        )
        async with app.relay() as relay:
            await app.dispatcher(relay).run(asyncio.Event(), until_idle=True)
        await server.stop()
        return app

    app = asyncio.run(main())
    (raw,) = server.raw
    head = raw.split(b"\r\n\r\n")[0].decode()
    assert "Date: Fri, 01 Mar 2024 12:00:00 +0000" in head
    assert f" t={int(then.replace(tzinfo=UTC).timestamp())};" in head
    signer = app.dkim_signer()
    assert signer is not None
    assert verify(raw, signer)


def test_a_replaced_key_file_is_read_again(key_file: Path, tmp_path: Path) -> None:
    """Parsed keys are kept by their file's bytes: a key put in the file's place is the one
    the next load signs with (preflight reads the file at every run)."""
    first = DkimSigner.from_file("example.org", "news2026", key_file)
    assert DkimSigner.from_file("example.org", "news2026", key_file).public_record() == (
        first.public_record()
    )
    other = tmp_path / "other.pem"
    create_key_file(other)
    key_file.write_bytes(other.read_bytes())
    again = DkimSigner.from_file("example.org", "news2026", key_file)
    assert again.public_record() != first.public_record()
    assert again.public_numbers() == DkimSigner.from_file("x.org", "s", other).public_numbers()
