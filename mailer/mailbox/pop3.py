"""POP3: read newest first, ``DELE`` only what was recognised."""

from __future__ import annotations

import poplib
import ssl
from typing import Any

from mailer.mailbox.base import (
    PROTOCOL_ERRORS,
    FetchResult,
    Handle,
    Mailbox,
    handled,
    step,
)

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


def fetch_pop3(mailbox: Mailbox, handle: Handle, context: ssl.SSLContext) -> FetchResult:
    port, timeout = mailbox.effective_port, mailbox.timeout
    with step(mailbox, "connecting"):
        if mailbox.security == "tls":
            pop: _Pop3 = _Pop3Ssl(mailbox.host, port, timeout=timeout, context=context)
        else:
            pop = _Pop3(mailbox.host, port, timeout=timeout)
    pop.line_limit = max(pop.line_limit, mailbox.max_bytes + 2)
    try:
        if mailbox.security == "starttls":
            with step(mailbox, "STLS"):
                pop.stls(context)
        with step(mailbox, "login", login=True):
            pop.user(mailbox.username)
            pop.pass_(mailbox.password)
        result = _drain_pop3(pop, mailbox, handle)
    except BaseException:
        _quit_quietly(pop)  # still commits the DELEs of messages handled so far
        raise
    # POP3 deletes only at QUIT: without it the recognised messages come back next run
    with step(mailbox, "QUIT (which commits the deletions)"):
        try:
            pop.quit()
        finally:
            pop.close()
    return result


def _drain_pop3(pop: _Pop3, mailbox: Mailbox, handle: Handle) -> FetchResult:
    result = FetchResult()
    with step(mailbox, "LIST"):
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
        with step(mailbox, f"RETR of message {number}"):
            raw = b"".join(line + b"\r\n" for line in pop.retr(number)[1])
        recognised = handled(mailbox, handle, raw, f"POP3 message {number}")
        if recognised is None:
            result.errors += 1
        elif recognised:
            with step(mailbox, f"DELE of message {number}"):
                pop.dele(number)
            result.recognised += 1
        else:
            result.left += 1
    return result


def _quit_quietly(pop: _Pop3) -> None:
    try:
        pop.quit()
    except PROTOCOL_ERRORS:
        pass  # the error being raised says more than this one
    finally:
        pop.close()
