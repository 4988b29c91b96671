"""The bounce mailbox adapter: read returned mail over IMAP or POP3 (imaplib, poplib).

``fetch`` hands each message's raw bytes to ``handle``; only when it returns True is the message
deleted (or, on IMAP, moved to ``move_to``). imaplib's and poplib's exceptions never leave this
package: they become ``MailboxError`` naming the server, the step and the reason, never the
password. Blocking I/O: an asyncio caller runs it in a thread.
"""

from __future__ import annotations

import ssl

from mailer.mailbox import imap, pop3
from mailer.mailbox.base import DEFAULT_PORTS, PROTOCOLS, SECURITIES, FetchResult, Handle, Mailbox

__all__ = ["DEFAULT_PORTS", "PROTOCOLS", "SECURITIES", "FetchResult", "Handle", "Mailbox", "fetch"]


def fetch(
    mailbox: Mailbox, handle: Handle, *, ssl_context: ssl.SSLContext | None = None
) -> FetchResult:
    """Read up to ``max_messages`` messages, newest first; remove those ``handle`` recognised.

    Raises ``MailboxLoginError`` when the credentials are refused and ``MailboxError`` for any
    other connection or protocol failure.
    """
    context = ssl_context or ssl.create_default_context()
    if mailbox.protocol == "imap":
        return imap.fetch_imap(mailbox, handle, context)
    return pop3.fetch_pop3(mailbox, handle, context)
