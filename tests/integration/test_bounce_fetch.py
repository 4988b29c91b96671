"""Draining a bounce mailbox over real IMAP and POP3 servers on 127.0.0.1 (tests/mailstore_servers).

Only what ``handle`` recognises is removed; everything else stays byte for byte, with its flags
(and unread). The test ``handle`` recognises a marker header; the real classifier comes later.
"""

from __future__ import annotations

import socket
import ssl
import traceback
from collections.abc import Iterator

import pytest

from mailer.errors import InvalidValue, MailboxError, MailboxLoginError
from mailer.mailbox import FetchResult, Mailbox, fetch
from tests.mailstore_servers import (
    ImapServer,
    MailServer,
    Mailstore,
    Pop3Server,
    self_signed_tls,
)

TlsPair = tuple[ssl.SSLContext, ssl.SSLContext]  # (server, client trusting it)
MARKER = b"X-Test-Bounce: yes"
EXPLODE = b"X-Test-Explode: yes"
PASSWORD = "s3cret-pass"


def message(subject: str, *headers: bytes, body: bytes = b"Hello.\r\n") -> bytes:
    head = b"From: someone@example.net\r\nTo: bounces@example.org\r\n"
    lines = [b"Subject: " + subject.encode(), *headers]
    return head + b"".join(line + b"\r\n" for line in lines) + b"\r\n" + body


BOUNCE_1 = message("Undelivered Mail Returned to Sender", MARKER, body=b"5.1.1 no such user\r\n")
BOUNCE_2 = message("Delivery Status Notification (Failure)", MARKER, body=b".dot first\r\n.\r\n")
NEWSLETTER_REPLY = message("Re: March issue", body=b"Thanks!\r\n..two dots\r\n")
OUT_OF_OFFICE = message("Out of office", body=b"Back on Monday.\r\n")


class Recorder:
    """The test's ``handle``: recognises the marker, raises on EXPLODE, keeps what it saw."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []

    def __call__(self, raw: bytes) -> bool:
        self.seen.append(raw)
        if EXPLODE in raw:
            raise ValueError("classifier crashed")
        return MARKER in raw


@pytest.fixture(scope="module")
def tls_pair() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    return self_signed_tls()


@pytest.fixture
def store() -> Mailstore:
    return Mailstore()


def start(
    protocol: str,
    store: Mailstore,
    security: str,
    tls_pair: TlsPair,
    **options: bool,
) -> MailServer:
    server_tls = tls_pair[0] if security != "none" else None
    if protocol == "imap":
        return ImapServer(store, security=security, tls=server_tls, **options)
    return Pop3Server(store, security=security, tls=server_tls)


def mailbox_of(server: MailServer, protocol: str, security: str = "none", **kw: object) -> Mailbox:
    settings: dict[str, object] = {"username": "bounces", "password": PASSWORD, "timeout": 5.0}
    settings.update(kw)
    return Mailbox(protocol, "127.0.0.1", server.port, security, **settings)  # type: ignore[arg-type]


@pytest.fixture
def served(
    request: pytest.FixtureRequest,
    store: Mailstore,
    tls_pair: TlsPair,
) -> Iterator[tuple[MailServer, str, str]]:
    """A running server for the ``(protocol, security)`` parameter."""
    protocol, security = request.param
    with start(protocol, store, security, tls_pair) as server:
        yield server, protocol, security


EVERY_MODE = [
    ("imap", "tls"),
    ("imap", "starttls"),
    ("imap", "none"),
    ("pop3", "tls"),
    ("pop3", "starttls"),
    ("pop3", "none"),
]
BOTH = [("imap", "none"), ("pop3", "none")]


def run(
    server: MailServer,
    protocol: str,
    security: str,
    tls_pair: TlsPair,
    handle: Recorder | None = None,
    **kw: object,
) -> tuple[FetchResult, Recorder]:
    recorder = handle or Recorder()
    mailbox = mailbox_of(server, protocol, security, **kw)
    return fetch(mailbox, recorder, ssl_context=tls_pair[1]), recorder


@pytest.mark.parametrize("served", EVERY_MODE, indirect=True, ids="-".join)
def test_only_recognised_messages_are_removed(
    served: tuple[MailServer, str, str],
    store: Mailstore,
    tls_pair: TlsPair,
) -> None:
    server, protocol, security = served
    store.add(NEWSLETTER_REPLY, flags={"\\Flagged"})
    store.add(BOUNCE_1)
    store.add(OUT_OF_OFFICE)
    store.add(BOUNCE_2)
    before = [(m.raw, set(m.flags)) for m in store.folders["INBOX"]]

    result, handle = run(server, protocol, security, tls_pair)

    assert result == FetchResult(seen=4, recognised=2, left=2)
    assert sorted(handle.seen) == sorted(m for m, _ in before)  # byte for byte, dots and all
    after = [(m.raw, m.flags) for m in store.folders["INBOX"]]
    assert after == [(NEWSLETTER_REPLY, {"\\Flagged"}), (OUT_OF_OFFICE, set())]  # still unread
    if security == "starttls":
        assert any(c.upper().endswith(("STARTTLS", "STLS")) for c in server.commands)


@pytest.mark.parametrize("served", BOTH, indirect=True, ids="-".join)
def test_an_empty_mailbox_is_a_quiet_run(
    served: tuple[MailServer, str, str], tls_pair: TlsPair
) -> None:
    server, protocol, security = served
    result, handle = run(server, protocol, security, tls_pair)
    assert result == FetchResult()
    assert handle.seen == []


def test_imap_reads_without_setting_seen(store: Mailstore, tls_pair: TlsPair) -> None:
    store.add(OUT_OF_OFFICE)
    with start("imap", store, "none", tls_pair) as server:
        run(server, "imap", "none", tls_pair)
    fetches = [c for c in server.commands if " UID FETCH " in c.upper()]
    assert fetches
    assert all("BODY[]" not in c.upper() or "BODY.PEEK[]" in c.upper() for c in fetches)
    assert store.folders["INBOX"][0].flags == set()


@pytest.mark.parametrize(
    ("move", "uidplus", "move_to", "folder"),
    [
        (True, True, "Bounces", "Bounces"),
        (False, True, "Bounces", "Bounces"),
        (False, False, "Bounces", "Bounces"),
        (True, True, "Отказы", "&BB4EQgQ6BDAENwRL-"),  # modified UTF-7, RFC 3501 5.1.3
    ],
    ids=["MOVE", "COPY+UID-EXPUNGE", "COPY+EXPUNGE", "non-ASCII-folder"],
)
def test_imap_move_to_a_folder(
    store: Mailstore,
    tls_pair: TlsPair,
    move: bool,
    uidplus: bool,
    move_to: str,
    folder: str,
) -> None:
    store.add(BOUNCE_1)
    store.add(OUT_OF_OFFICE)
    store.add(BOUNCE_2)
    with start("imap", store, "none", tls_pair, move=move, uidplus=uidplus) as server:
        result, _ = run(server, "imap", "none", tls_pair, move_to=move_to)

    assert result == FetchResult(seen=3, recognised=2, left=1)
    assert store.raws("INBOX") == [OUT_OF_OFFICE]
    assert sorted(store.raws(folder)) == sorted([BOUNCE_1, BOUNCE_2])  # created on [TRYCREATE]
    assert all(m.flags == set() for m in store.folders[folder])
    used = " ".join(server.commands).upper()
    assert ("UID MOVE" in used) == move
    assert ("UID EXPUNGE" in used) == (uidplus and not move)


def test_imap_leaves_what_another_client_marked_deleted(
    store: Mailstore, tls_pair: TlsPair
) -> None:
    theirs = store.add(BOUNCE_1, flags={"\\Deleted"})
    store.add(BOUNCE_2)
    with start("imap", store, "none", tls_pair) as server:  # UIDPLUS: UID EXPUNGE of ours only
        result, handle = run(server, "imap", "none", tls_pair)
    assert result == FetchResult(seen=1, recognised=1)
    assert handle.seen == [BOUNCE_2]
    assert store.folders["INBOX"] == [theirs]


@pytest.mark.parametrize("served", BOTH, indirect=True, ids="-".join)
def test_a_message_over_max_bytes_is_not_downloaded(
    served: tuple[MailServer, str, str],
    store: Mailstore,
    tls_pair: TlsPair,
) -> None:
    server, protocol, security = served
    big = message("Huge bounce", MARKER, body=b"x" * 70 + b"\r\n" * 100)
    store.add(BOUNCE_1)
    store.add(big)
    result, handle = run(server, protocol, security, tls_pair, max_bytes=len(big) - 1)
    assert result == FetchResult(seen=2, recognised=1, skipped_too_big=1)
    assert handle.seen == [BOUNCE_1]
    assert store.raws("INBOX") == [big]
    assert all(m.flags == set() for m in store.folders["INBOX"])
    downloads = [c.upper() for c in server.commands if "BODY" in c.upper() or "RETR" in c.upper()]
    assert len(downloads) == 1


@pytest.mark.parametrize("served", BOTH, indirect=True, ids="-".join)
def test_a_handler_that_raises_leaves_the_message_and_the_run_goes_on(
    served: tuple[MailServer, str, str],
    store: Mailstore,
    tls_pair: TlsPair,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, protocol, security = served
    cursed = message("Weird bounce", MARKER, EXPLODE)
    store.add(BOUNCE_1)
    store.add(cursed)
    store.add(BOUNCE_2)
    result, handle = run(server, protocol, security, tls_pair)
    assert result == FetchResult(seen=3, recognised=2, errors=1)
    assert len(handle.seen) == 3
    assert store.raws("INBOX") == [cursed]
    assert "classifier crashed" in caplog.text


@pytest.mark.parametrize("served", BOTH, indirect=True, ids="-".join)
def test_max_messages_is_honoured_newest_first(
    served: tuple[MailServer, str, str],
    store: Mailstore,
    tls_pair: TlsPair,
) -> None:
    server, protocol, security = served
    bounces = [message(f"Bounce {n}", MARKER) for n in range(5)]
    for raw in bounces:
        store.add(raw)

    first, handle = run(server, protocol, security, tls_pair, max_messages=2)
    assert first == FetchResult(seen=2, recognised=2, remaining=3)
    assert handle.seen == [bounces[4], bounces[3]]
    assert store.raws("INBOX") == bounces[:3]

    second, _ = run(server, protocol, security, tls_pair, max_messages=2)
    assert second == FetchResult(seen=2, recognised=2, remaining=1)
    assert store.raws("INBOX") == bounces[:1]


@pytest.mark.parametrize("served", BOTH, indirect=True, ids="-".join)
def test_old_unrelated_mail_does_not_starve_new_bounces(
    served: tuple[MailServer, str, str],
    store: Mailstore,
    tls_pair: TlsPair,
) -> None:
    server, protocol, security = served
    unrelated = [message(f"Reply {n}") for n in range(3)]
    for raw in unrelated:
        store.add(raw)
    store.add(BOUNCE_1)
    result, _ = run(server, protocol, security, tls_pair, max_messages=2)
    assert result == FetchResult(seen=2, recognised=1, left=1, remaining=2)
    assert store.raws("INBOX") == unrelated


def test_pop3_takes_lines_longer_than_poplib_allows(store: Mailstore, tls_pair: TlsPair) -> None:
    long_line = message("Bounce with quoted HTML", MARKER, body=b"<p>" + b"a" * 10_000 + b"\r\n")
    store.add(long_line)
    store.add(BOUNCE_1)
    with start("pop3", store, "none", tls_pair) as server:
        result, handle = run(server, "pop3", "none", tls_pair)
    assert result == FetchResult(seen=2, recognised=2)
    assert long_line in handle.seen
    assert store.raws("INBOX") == []


def _chain_text(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


@pytest.mark.parametrize("served", EVERY_MODE, indirect=True, ids="-".join)
def test_a_wrong_password_is_a_clear_error_without_the_password(
    served: tuple[MailServer, str, str],
    store: Mailstore,
    tls_pair: TlsPair,
) -> None:
    server, protocol, security = served
    store.add(BOUNCE_1)
    wrong = "wrong-horse-battery"
    with pytest.raises(MailboxLoginError) as caught:
        run(server, protocol, security, tls_pair, password=wrong)
    text = str(caught.value)
    assert f"127.0.0.1:{server.port}" in text
    assert "login" in text
    assert "refused" in text  # what the server said
    assert wrong not in _chain_text(caught.value)  # though this server echoed it back
    assert store.raws("INBOX") == [BOUNCE_1]


@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_a_server_that_is_not_listening_is_a_clear_error(protocol: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox(protocol, "127.0.0.1", port, "none", "bounces", PASSWORD, timeout=2.0)
    with pytest.raises(MailboxError) as caught:
        fetch(mailbox, Recorder())
    text = str(caught.value)
    assert f"127.0.0.1:{port}" in text
    assert "connecting" in text
    assert "refused" in text.lower()
    assert PASSWORD not in text


@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_a_server_that_never_answers_times_out(protocol: str) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts; nobody ever sends a greeting
        mailbox = Mailbox(
            protocol,
            "127.0.0.1",
            silent.getsockname()[1],
            "none",
            "bounces",
            PASSWORD,
            timeout=0.3,
        )
        with pytest.raises(MailboxError, match="connecting: timed out"):
            fetch(mailbox, Recorder())


@pytest.mark.parametrize("served", [("imap", "tls"), ("pop3", "tls")], indirect=True, ids="-".join)
def test_an_untrusted_certificate_is_refused_by_default(
    served: tuple[MailServer, str, str], store: Mailstore
) -> None:
    server, protocol, security = served
    store.add(BOUNCE_1)
    with pytest.raises(MailboxError, match="certificate verify failed"):
        fetch(mailbox_of(server, protocol, security), Recorder())  # the system's trust store
    assert store.raws("INBOX") == [BOUNCE_1]


@pytest.mark.parametrize("protocol", ["imap", "pop3"])
def test_implicit_tls_against_a_plain_port_says_so(
    protocol: str, store: Mailstore, tls_pair: TlsPair
) -> None:
    with (
        start(protocol, store, "starttls", tls_pair) as server,
        pytest.raises(MailboxError, match="connecting: the server does not speak TLS"),
    ):
        run(server, protocol, "tls", tls_pair)


def test_a_missing_imap_folder_is_named(store: Mailstore, tls_pair: TlsPair) -> None:
    with (
        start("imap", store, "none", tls_pair) as server,
        pytest.raises(MailboxError, match=r"opening folder 'Bounces/Old'.*NONEXISTENT"),
    ):
        run(server, "imap", "none", tls_pair, folder="Bounces/Old")


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("protocol", {"protocol": "smtp"}),
        ("security", {"security": "ssl"}),
        ("move_to", {"protocol": "pop3", "move_to": "Bounces"}),
        ("host", {"host": ""}),
    ],
)
def test_a_mailbox_is_checked_when_made(field: str, changes: dict[str, str]) -> None:
    settings = {"protocol": "imap", "host": "mail.example.org", **changes}
    with pytest.raises(InvalidValue) as caught:
        Mailbox(**settings)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_default_ports_follow_protocol_and_security() -> None:
    ports = {
        (p, s): Mailbox(p, "mail.example.org", security=s).effective_port
        for p in ("imap", "pop3")
        for s in ("tls", "starttls")
    }
    assert ports == {
        ("imap", "tls"): 993,
        ("imap", "starttls"): 143,
        ("pop3", "tls"): 995,
        ("pop3", "starttls"): 110,
    }
    assert "s3cret" not in repr(Mailbox("imap", "h", password="s3cret"))
