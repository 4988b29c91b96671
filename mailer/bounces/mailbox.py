"""``mailer bounces fetch``: drain the bounce mailbox through the same ingest as every channel.

Only what the classifier recognises as a bounce or complaint is recorded and then removed;
auto-replies and everything else stay in the mailbox for a person to read.
"""

from __future__ import annotations

import dataclasses
import ssl

from mailer.bounces.ingest import Ingest
from mailer.config import BounceMailboxSettings
from mailer.core.bounces import Kind
from mailer.mailbox import FetchResult, Mailbox, fetch

TAKEN = frozenset({Kind.HARD, Kind.SOFT, Kind.DELAYED, Kind.COMPLAINT})


def mailbox_from(settings: BounceMailboxSettings, *, max_bytes: int) -> Mailbox | None:
    """The configured mailbox, or None when ``bounce_mailbox.protocol`` is empty."""
    if not settings.protocol:
        return None
    return Mailbox(
        protocol=settings.protocol,
        host=settings.host,
        port=settings.port,
        security=settings.security,
        username=settings.username,
        password=settings.password,
        folder=settings.folder,
        move_to=settings.move_to,
        max_messages=settings.max_messages,
        timeout=settings.timeout,
        max_bytes=max_bytes,
    )


def fetch_bounces(
    ingest: Ingest, mailbox: Mailbox, *, ssl_context: ssl.SSLContext | None = None
) -> FetchResult:
    taking = dataclasses.replace(ingest, kinds=TAKEN)

    def handle(raw: bytes) -> bool:
        return taking.message(raw, source=mailbox.protocol).recorded

    return fetch(mailbox, handle, ssl_context=ssl_context)
