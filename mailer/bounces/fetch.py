"""Drain a bounce mailbox over IMAP or POP3, removing only the messages the caller recognised.

``fetch`` hands each message's raw bytes to ``handle``; only when it returns True is the message
deleted (or, on IMAP, moved to ``move_to``). Everything else stays exactly as it was: IMAP reads
with ``BODY.PEEK[]`` so ``\\Seen`` is not set, POP3 simply does not ``DELE`` it. Messages are read
newest first: unrelated mail that is left alone piles up at the old end of the mailbox, and a
run that started from there would spend its whole ``max_messages`` on it every time and never
reach new bounces.

imaplib's and poplib's exceptions never leave this module: a failure to connect, log in or talk
to the server becomes a ``MailboxError`` naming the server, the step and the reason, never the
password. This is blocking I/O; an asyncio caller runs it in a thread.
"""

from __future__ import annotations

import base64
import imaplib
import logging
import poplib
import re
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from mailer.errors import InvalidValue, MailerError

log = logging.getLogger(__name__)

PROTOCOLS = ("imap", "pop3")
SECURITIES = ("tls", "starttls", "none")
DEFAULT_PORTS = {
    "imap": {"tls": 993, "starttls": 143, "none": 143},
    "pop3": {"tls": 995, "starttls": 110, "none": 110},
}


class MailboxError(MailerError):
    """The mailbox could not be read: ``step`` says what failed, ``reason`` what the server or
    the network said. Messages recognised before the failure have normally been removed."""

    def __init__(self, mailbox: Mailbox, step: str, reason: str) -> None:
        self.address = mailbox.address
        self.step = step
        self.reason = reason
        user = f" as {mailbox.username!r}" if mailbox.username else ""
        super().__init__(f"{mailbox.protocol} mailbox {mailbox.address}{user}: {step}: {reason}")


class MailboxLoginError(MailboxError):
    """The server refused the username or password (check ``bounce_mailbox`` settings)."""


@dataclass(frozen=True)
class Mailbox:
    """Where bounces are read from and how much one run may read."""

    protocol: str  # imap | pop3
    host: str
    port: int = 0  # 0: the protocol's default for the security (993/143, 995/110)
    security: str = "tls"  # tls (implicit) | starttls | none
    username: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"  # IMAP only
    move_to: str | None = None  # IMAP only: a folder for recognised messages; None deletes them
    timeout: float = 30.0  # seconds, for every network operation
    max_messages: int = 500  # messages looked at in one run, newest first
    max_bytes: int = 10 * 1024 * 1024  # larger messages are not downloaded

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise InvalidValue("protocol", f"expected imap or pop3, got {self.protocol!r}")
        if self.security not in SECURITIES:
            raise InvalidValue("security", f"expected tls, starttls or none, not {self.security!r}")
        if not self.host:
            raise InvalidValue("host", "the mailbox server's name is empty")
        if not 0 <= self.port < 65536:
            raise InvalidValue("port", "expected 0 (the default) or a port up to 65535")
        if self.move_to is not None and self.protocol != "imap":
            raise InvalidValue("move_to", "POP3 has no folders; leave move_to empty")
        if self.move_to == "":
            raise InvalidValue("move_to", "empty folder name; use None to delete instead")
        if self.timeout <= 0 or self.max_messages < 1 or self.max_bytes < 1:
            raise InvalidValue("timeout/max_messages/max_bytes", "must be positive")

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.protocol][self.security]

    @property
    def address(self) -> str:
        return f"{self.host}:{self.effective_port}"


@dataclass
class FetchResult:
    """What one run did. ``seen == recognised + left + skipped_too_big + errors``."""

    seen: int = 0  # messages looked at (at most max_messages)
    recognised: int = 0  # handle returned True: deleted or moved
    left: int = 0  # handle returned False: untouched
    skipped_too_big: int = 0  # over max_bytes: not downloaded, untouched
    errors: int = 0  # handle raised: untouched (logged with the traceback)
    remaining: int = 0  # older messages not looked at this run because of max_messages


Handle = Callable[[bytes], bool]


def fetch(
    mailbox: Mailbox, handle: Handle, *, ssl_context: ssl.SSLContext | None = None
) -> FetchResult:
    """Read up to ``max_messages`` messages, newest first; remove those ``handle`` recognised.

    Raises ``MailboxLoginError`` when the credentials are refused and ``MailboxError`` for any
    other connection or protocol failure.
    """
    context = ssl_context or ssl.create_default_context()
    if mailbox.protocol == "imap":
        return _fetch_imap(mailbox, handle, context)
    return _fetch_pop3(mailbox, handle, context)


# --- errors --------------------------------------------------------------------------------

_PROTOCOL_ERRORS = (OSError, EOFError, imaplib.IMAP4.error, poplib.error_proto)


@contextmanager
def _step(mailbox: Mailbox, step: str, *, login: bool = False) -> Iterator[None]:
    """Translate the library's errors raised during ``step`` into ``MailboxError``."""
    catch = (*_PROTOCOL_ERRORS, UnicodeError) if login else _PROTOCOL_ERRORS
    try:
        yield
    except catch as exc:
        reason = _reason(exc)
        leaked = bool(mailbox.password) and mailbox.password in reason
        if leaked:
            reason = reason.replace(mailbox.password, "***")
        if isinstance(exc, UnicodeError):
            reason = "the username and password must be ASCII for this server's login"
        error = (MailboxLoginError if login else MailboxError)(mailbox, step, reason)
        if leaked:  # the server echoed the password: keep it out of the traceback too
            raise error from None
        raise error from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ssl.SSLError) and exc.reason == "WRONG_VERSION_NUMBER":
        return "the server does not speak TLS on this port (is security starttls or none?)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    words = [a.decode(errors="replace") if isinstance(a, bytes) else str(a) for a in exc.args]
    return " ".join(words).strip() or type(exc).__name__


def _refused(what: str, typ: str, data: list[object]) -> imaplib.IMAP4.error:
    said = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
    return imaplib.IMAP4.error(f"{what}: {typ} {said}".strip())


def _handled(mailbox: Mailbox, handle: Handle, raw: bytes, which: str) -> bool | None:
    """``handle(raw)``, or None (logged) when it raised: the message is then left alone."""
    try:
        return bool(handle(raw))
    except Exception:
        log.exception(
            "bounce mailbox %s: handling %s failed; left in place", mailbox.address, which
        )
        return None


# --- IMAP ----------------------------------------------------------------------------------

_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


def _fetch_imap(mailbox: Mailbox, handle: Handle, context: ssl.SSLContext) -> FetchResult:
    port, timeout = mailbox.effective_port, mailbox.timeout
    with _step(mailbox, "connecting"):
        if mailbox.security == "tls":
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                mailbox.host, port, ssl_context=context, timeout=timeout
            )
        else:
            imap = imaplib.IMAP4(mailbox.host, port, timeout=timeout)
    try:
        if mailbox.security == "starttls":
            with _step(mailbox, "STARTTLS"):
                imap.starttls(context)
        with _step(mailbox, "login", login=True):
            imap.login(_quote(mailbox.username), mailbox.password)
        with _step(mailbox, "CAPABILITY"):  # servers often list MOVE and UIDPLUS only after login
            typ, data = imap.capability()
            capabilities = set(b" ".join(d for d in data if isinstance(d, bytes)).upper().split())
        with _step(mailbox, f"opening folder {mailbox.folder!r}"):
            typ, data = imap.select(_quote(_imap_utf7(mailbox.folder)))
            if typ != "OK":
                raise _refused("SELECT", typ, list(data))
        return _drain_imap(imap, mailbox, handle, capabilities)
    finally:
        _logout_quietly(imap)


def _logout_quietly(imap: imaplib.IMAP4) -> None:
    """The run's outcome is already decided; a failed goodbye changes nothing."""
    try:
        imap.logout()
    except _PROTOCOL_ERRORS:
        with suppress(OSError):
            imap.shutdown()  # logout() skips it when LOGOUT itself fails


def _drain_imap(
    imap: imaplib.IMAP4, mailbox: Mailbox, handle: Handle, capabilities: set[bytes]
) -> FetchResult:
    result = FetchResult()
    with _step(mailbox, "UID SEARCH"):
        uids = sorted(_uids(imap, "SEARCH", "UNDELETED"), reverse=True)
    chosen = uids[: mailbox.max_messages]
    result.remaining = len(uids) - len(chosen)
    if not chosen:
        return result
    with _step(mailbox, "UID FETCH of message sizes"):
        sizes = _sizes(imap, chosen)
    for uid in chosen:
        if uid not in sizes:
            continue  # expunged by another client since the search
        result.seen += 1
        if sizes[uid] > mailbox.max_bytes:
            result.skipped_too_big += 1
            continue
        with _step(mailbox, f"UID FETCH of message {uid}"):
            raw = _body(imap, uid)
        if raw is None:
            result.seen -= 1
            continue
        recognised = _handled(mailbox, handle, raw, f"IMAP UID {uid}")
        if recognised is None:
            result.errors += 1
        elif recognised:
            target = f"moving message {uid} to {mailbox.move_to!r}"
            with _step(mailbox, target if mailbox.move_to else f"deleting message {uid}"):
                _remove(imap, uid, mailbox.move_to, capabilities)
            result.recognised += 1
        else:
            result.left += 1
    return result


def _uids(imap: imaplib.IMAP4, command: str, *args: str) -> list[int]:
    typ, data = imap.uid(command, *args)
    if typ != "OK":
        raise _refused(f"UID {command}", typ, list(data))
    return [int(n) for d in data if isinstance(d, bytes) for n in d.split() if n.isdigit()]


def _sizes(imap: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    typ, data = imap.uid("FETCH", _uid_set(uids), "(UID RFC822.SIZE)")
    if typ != "OK":
        raise _refused("UID FETCH", typ, list(data))
    sizes: dict[int, int] = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if not isinstance(line, bytes):
            continue
        uid, size = _UID.search(line), _SIZE.search(line)
        if uid and size:  # other untagged FETCH lines (flag changes) carry no size
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _body(imap: imaplib.IMAP4, uid: int) -> bytes | None:
    """The message's raw bytes, read without setting \\Seen; None if it vanished."""
    typ, data = imap.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
    if typ != "OK":
        raise _refused("UID FETCH", typ, list(data))
    for index, item in enumerate(data):
        if not (isinstance(item, tuple) and b"BODY[]" in item[0].upper()):
            continue
        after = data[index + 1] if index + 1 < len(data) else b""
        found = _UID.search(item[0]) or (_UID.search(after) if isinstance(after, bytes) else None)
        if found is None or int(found.group(1)) == uid:  # UID may come after the literal
            return bytes(item[1])
    return None


def _remove(imap: imaplib.IMAP4, uid: int, move_to: str | None, capabilities: set[bytes]) -> None:
    if move_to:
        folder = _quote(_imap_utf7(move_to))
        if b"MOVE" in capabilities:
            _transfer(imap, "MOVE", uid, folder)
            return
        _transfer(imap, "COPY", uid, folder)
    typ, data = imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
    if typ != "OK":
        raise _refused("UID STORE", typ, list(data))
    # UID EXPUNGE removes only this message; plain EXPUNGE also takes what others marked \Deleted
    typ, data = imap.uid("EXPUNGE", str(uid)) if b"UIDPLUS" in capabilities else imap.expunge()
    if typ != "OK":
        raise _refused("EXPUNGE", typ, list(data))


def _transfer(imap: imaplib.IMAP4, command: str, uid: int, folder: str) -> None:
    """UID COPY or MOVE, creating the folder once when the server says [TRYCREATE]."""
    typ, data = imap.uid(command, str(uid), folder)
    if typ == "NO" and any(isinstance(d, bytes) and b"[TRYCREATE]" in d.upper() for d in data):
        typ, data = imap.create(folder)
        if typ != "OK":
            raise _refused("CREATE", typ, list(data))
        typ, data = imap.uid(command, str(uid), folder)
    if typ != "OK":
        raise _refused(f"UID {command}", typ, list(data))


def _uid_set(uids: list[int]) -> str:
    """``[9, 8, 7, 3]`` → ``"3,7:9"``: a short command line however many messages."""
    runs: list[list[int]] = []
    for uid in sorted(uids):
        if runs and uid == runs[-1][1] + 1:
            runs[-1][1] = uid
        else:
            runs.append([uid, uid])
    return ",".join(str(a) if a == b else f"{a}:{b}" for a, b in runs)


def _quote(text: str) -> str:
    """An IMAP quoted string (imaplib sends folder names and the username verbatim)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3), e.g. for "Отказы"."""
    out: list[str] = []
    pending = ""

    def flush() -> None:
        nonlocal pending
        if pending:
            encoded = base64.b64encode(pending.encode("utf-16-be")).rstrip(b"=")
            out.append("&" + encoded.replace(b"/", b",").decode("ascii") + "-")
            pending = ""

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending += char
    flush()
    return "".join(out)


# --- POP3 ----------------------------------------------------------------------------------


class _Pop3(poplib.POP3):
    """poplib refuses lines over 2,048 bytes, which real bounces (quoted HTML) exceed; a refusal
    mid-RETR would also wreck the session. Allow lines up to the size we accept a message at."""

    line_limit = 2048

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().__init__(*args, **kwargs)
        except BaseException:  # poplib leaves the socket open when the greeting fails
            for stream in (getattr(self, "file", None), getattr(self, "sock", None)):
                if stream is not None:
                    stream.close()
            raise

    def _getline(self) -> tuple[bytes, int]:
        line = self.file.readline(self.line_limit + 1)
        if len(line) > self.line_limit:
            raise poplib.error_proto("-ERR line too long")
        if not line:
            raise poplib.error_proto("-ERR EOF")
        if line.endswith(b"\r\n"):
            return line[:-2], len(line)
        if line.startswith(b"\r"):
            return line[1:-1], len(line)
        return line[:-1], len(line)


class _Pop3Ssl(_Pop3, poplib.POP3_SSL):
    pass


def _fetch_pop3(mailbox: Mailbox, handle: Handle, context: ssl.SSLContext) -> FetchResult:
    port, timeout = mailbox.effective_port, mailbox.timeout
    with _step(mailbox, "connecting"):
        if mailbox.security == "tls":
            pop: _Pop3 = _Pop3Ssl(mailbox.host, port, timeout=timeout, context=context)
        else:
            pop = _Pop3(mailbox.host, port, timeout=timeout)
    pop.line_limit = max(pop.line_limit, mailbox.max_bytes + 2)
    try:
        if mailbox.security == "starttls":
            with _step(mailbox, "STLS"):
                pop.stls(context)
        with _step(mailbox, "login", login=True):
            pop.user(mailbox.username)
            pop.pass_(mailbox.password)
        result = _drain_pop3(pop, mailbox, handle)
    except BaseException:
        _quit_quietly(pop)  # still commits the DELEs of messages handled so far
        raise
    # POP3 deletes only at QUIT: without it the recognised messages come back next run
    with _step(mailbox, "QUIT (which commits the deletions)"):
        try:
            pop.quit()
        finally:
            pop.close()
    return result


def _drain_pop3(pop: _Pop3, mailbox: Mailbox, handle: Handle) -> FetchResult:
    result = FetchResult()
    with _step(mailbox, "LIST"):
        listing = [line.split() for line in pop.list()[1]]
        sizes = {
            int(f[0]): int(f[1])
            for f in listing
            if len(f) > 1 and f[0].isdigit() and f[1].isdigit()
        }
    numbers = sorted(sizes, reverse=True)
    chosen = numbers[: mailbox.max_messages]
    result.remaining = len(numbers) - len(chosen)
    for number in chosen:
        result.seen += 1
        if sizes[number] > mailbox.max_bytes:
            result.skipped_too_big += 1
            continue
        with _step(mailbox, f"RETR of message {number}"):
            raw = b"".join(line + b"\r\n" for line in pop.retr(number)[1])
        recognised = _handled(mailbox, handle, raw, f"POP3 message {number}")
        if recognised is None:
            result.errors += 1
        elif recognised:
            with _step(mailbox, f"DELE of message {number}"):
                pop.dele(number)
            result.recognised += 1
        else:
            result.left += 1
    return result


def _quit_quietly(pop: _Pop3) -> None:
    try:
        pop.quit()
    except _PROTOCOL_ERRORS:
        pass  # the error being raised says more than this one
    finally:
        pop.close()
