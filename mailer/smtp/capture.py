"""``mailer dev-smtp``: a local SMTP server that keeps every message in a Maildir, sends none."""

from __future__ import annotations

import asyncio
import mailbox
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class MaildirHandler:
    maildir: Path
    received: int = 0
    _box: mailbox.Maildir | None = field(default=None, repr=False)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self._box is None:
            self.maildir.parent.mkdir(parents=True, exist_ok=True)
            self._box = mailbox.Maildir(self.maildir, create=True)  # makes tmp/, new/, cur/
        content = envelope.original_content or b""
        header = (
            f"X-Capture-Mail-From: {envelope.mail_from}\r\n"
            f"X-Capture-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        await asyncio.to_thread(self._box.add, header + content)
        self.received += 1
        return "250 OK captured"


async def start_capture(
    host: str, port: int, maildir: Path
) -> tuple[asyncio.Server, MaildirHandler]:
    """Listen on ``host:port`` (0 picks a free port) in the running loop."""
    handler = MaildirHandler(maildir)
    loop = asyncio.get_running_loop()

    def factory() -> Any:
        return SMTP(handler, hostname="mailer-dev-smtp", data_size_limit=50 * 1024 * 1024)

    server = await loop.create_server(factory, host=host, port=port)
    return server, handler


def bound_port(server: asyncio.Server) -> int:
    return int(server.sockets[0].getsockname()[1])
