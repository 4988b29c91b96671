"""What the IMAP and POP3 readers share: the mailbox, the result of a run, errors translated.

Drain a bounce mailbox over IMAP or POP3, removing only the messages the caller recognised.

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

import imaplib
import logging
import poplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from mailer.errors import InvalidValue, MailboxError, MailboxLoginError

log = logging.getLogger(__name__)

PROTOCOLS = ("imap", "pop3")
SECURITIES = ("tls", "starttls", "none")
DEFAULT_PORTS = {
    "imap": {"tls": 993, "starttls": 143, "none": 143},
    "pop3": {"tls": 995, "starttls": 110, "none": 110},
}


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


# --- errors --------------------------------------------------------------------------------

PROTOCOL_ERRORS = (OSError, EOFError, imaplib.IMAP4.error, poplib.error_proto)


@contextmanager
def step(mailbox: Mailbox, name: str, *, login: bool = False) -> Iterator[None]:
    """Translate the library's errors raised during the step ``name`` into ``MailboxError``."""
    catch = (*PROTOCOL_ERRORS, UnicodeError) if login else PROTOCOL_ERRORS
    try:
        yield
    except catch as exc:
        reason = reason_of(exc)
        leaked = bool(mailbox.password) and mailbox.password in reason
        if leaked:
            reason = reason.replace(mailbox.password, "***")
        if isinstance(exc, UnicodeError):
            reason = "the username and password must be ASCII for this server's login"
        kind = MailboxLoginError if login else MailboxError
        error = kind(mailbox.protocol, mailbox.address, mailbox.username, name, reason)
        if leaked:  # the server echoed the password: keep it out of the traceback too
            raise error from None
        raise error from exc


def reason_of(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ssl.SSLError) and exc.reason == "WRONG_VERSION_NUMBER":
        return "the server does not speak TLS on this port (is security starttls or none?)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    words = [a.decode(errors="replace") if isinstance(a, bytes) else str(a) for a in exc.args]
    return " ".join(words).strip() or type(exc).__name__


def refused(what: str, typ: str, data: list[object]) -> imaplib.IMAP4.error:
    said = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
    return imaplib.IMAP4.error(f"{what}: {typ} {said}".strip())


def handled(mailbox: Mailbox, handle: Handle, raw: bytes, which: str) -> bool | None:
    """``handle(raw)``, or None (logged) when it raised: the message is then left alone."""
    try:
        return bool(handle(raw))
    except Exception:
        log.exception(
            "bounce mailbox %s: handling %s failed; left in place", mailbox.address, which
        )
        return None
