"""An inbound SMTP server (aiosmtpd) whose rules come from the caller.

The caller decides which recipients exist, which peers may send now, and what to do with a
message; this module only speaks SMTP: size cap (552 from aiosmtpd), a recipient cap, idle
timeouts, and an unexpected error turned into a temporary 451 so the sender tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiosmtplib
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)


@dataclass
class InboundRules:
    refuse_recipient: Callable[[str], str | None]  # an SMTP reply refusing it, or None
    refuse_peer: Callable[[str], str | None]  # checked at MAIL FROM, e.g. a rate limit
    deliver: Callable[[list[str], bytes], Awaitable[str]]  # the reply to the final dot
    max_recipients: int = 5


class _Handler:
    def __init__(self, rules: InboundRules) -> None:
        self.rules = rules

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        peer = str(session.peer[0]) if isinstance(session.peer, tuple) else str(session.peer)
        refusal = self.rules.refuse_peer(peer)
        if refusal is not None:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= self.rules.max_recipients:
            return "452 4.5.3 Too many recipients"
        refusal = self.rules.refuse_recipient(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        try:
            return await self.rules.deliver(
                list(envelope.rcpt_tos), envelope.original_content or b""
            )
        except Exception:
            log.exception("inbound message could not be handled; the sender will retry")
            return "451 4.3.0 Temporary failure, please try again later"


async def start_inbound(
    rules: InboundRules, host: str, port: int, *, hostname: str, max_bytes: int
) -> asyncio.Server:
    """Listen on ``host:port`` (0 picks a free port) in the running loop."""
    handler = _Handler(rules)

    def factory() -> Any:
        return SMTP(
            handler,
            hostname=hostname,
            ident="mailer bounce receiver",
            data_size_limit=max_bytes,
            timeout=60,
            decode_data=False,
        )

    return await asyncio.get_running_loop().create_server(factory, host=host, port=port)


async def deliver_null(host: str, port: int, recipient: str, data: bytes) -> str:
    """Deliver ``data`` from the null sender ``<>``, as an MTA returns a bounce; the reply."""
    client = aiosmtplib.SMTP(hostname=host, port=port, timeout=30)
    await client.connect()
    try:
        await client.mail("")
        await client.rcpt(recipient)
        reply = await client.data(data)
        return f"{reply.code} {reply.message}"
    finally:
        client.close()
