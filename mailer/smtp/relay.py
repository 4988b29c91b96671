"""A pool of reused connections to one relay; every attempt ends as a ``core.delivery.Outcome``.

aiosmtplib's exceptions never leave this module: each becomes the outcome DESIGN.md's table
gives it (refused recipient → bounce or deferral by code, a drop → deferred, 421 or a refused
connection → the relay backs off).
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field

import aiosmtplib

from mailer.core.delivery import Action, Outcome, classify_reply, connection_lost
from mailer.smtp.wire import Dropped, Pipelining, data_bytes, path, transact


@dataclass(frozen=True)
class RelaySettings:
    host: str
    port: int
    security: str = "none"  # none | starttls | tls
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    max_messages_per_connection: int = 500


@dataclass
class _Connection:
    client: aiosmtplib.SMTP
    protocol: Pipelining
    pipelining: bool  # the relay offers PIPELINING (RFC 2920)
    sent: int = 0


@dataclass
class Relay:
    """Up to ``size`` open connections, each reused for many messages."""

    settings: RelaySettings
    size: int = 4
    _idle: list[_Connection] = field(default_factory=list)
    _slots: asyncio.Semaphore | None = None
    # one TLS context for every connection: aiosmtplib's default builds one each time (~24 ms);
    # made at the first TLS connection, so a relay without TLS never pays for one
    _tls: ssl.SSLContext | None = None
    _eight_bit: bool | None = None

    async def _open(self) -> _Connection:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            timeout=s.timeout,
            use_tls=s.security == "tls",
            start_tls=s.security == "starttls",
            tls_context=self._tls_context() if s.security != "none" else None,
            username=s.username or None,
            password=s.password or None,
        )
        await client.connect()
        if client.is_ehlo_or_helo_needed:  # connect() leaves EHLO to the first command
            try:
                await client.ehlo()
            except aiosmtplib.SMTPHeloError:
                await client.helo()
        protocol = Pipelining.adopt(client)
        return _Connection(client, protocol, client.supports_extension("pipelining"))

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    async def offers_8bitmime(self) -> bool:
        """Whether the relay takes unencoded UTF-8 bodies (asked once; False when unreachable)."""
        if self._eight_bit is None:
            try:
                connection = await self._open()
            except (aiosmtplib.SMTPException, OSError):
                return False
            self._eight_bit = connection.client.supports_extension("8bitmime")
            self._idle.append(connection)
        return self._eight_bit

    async def send(
        self,
        sender: str,
        recipient: str,
        message: bytes,
        *,
        eight_bit: bool = False,
        wire: bytes | None = None,
    ) -> Outcome:
        """``wire``: ``message`` in DATA form already (``data_bytes(message)``), made by the
        builder from parts it dot-stuffed once per variant."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.size)
        async with self._slots:
            try:
                connection = self._idle.pop() if self._idle else await self._open()
            except aiosmtplib.SMTPResponseException as exc:
                return classify_reply(exc.code, exc.message)
            except (aiosmtplib.SMTPException, OSError):
                return connection_lost(in_data=False, refused=True)
            data = wire if wire is not None else data_bytes(message)
            outcome, reusable = await self._transaction(
                connection, sender, recipient, data, eight_bit
            )
            if reusable and connection.sent < self.settings.max_messages_per_connection:
                self._idle.append(connection)
            else:
                await _quietly_close(connection.client)
            return outcome

    async def _transaction(
        self, connection: _Connection, sender: str, recipient: str, data: bytes, eight_bit: bool
    ) -> tuple[Outcome, bool]:
        client = connection.client
        try:
            envelope = (path(sender), path(recipient))
        except ValueError as exc:
            return Outcome(Action.FAILED, None, None, f"address cannot be sent: {exc}"), True
        try:
            replies = await transact(
                client,
                connection.protocol,
                envelope,
                data,
                eight_bit=eight_bit,
                pipelining=connection.pipelining,
            )
        except Dropped as exc:  # replies may still be owed: never reuse, never wait for QUIT
            client.close()
            return connection_lost(in_data=exc.in_data), False
        except aiosmtplib.SMTPResponseException as exc:  # a malformed reply
            return classify_reply(exc.code, exc.message), False
        if replies.final is not None:
            connection.sent += 1
            final = replies.final
            return classify_reply(final.code, final.message), final.code != 421
        refused = replies.refused
        if refused is None:  # not reached: no final reply means a refused envelope
            return connection_lost(in_data=False), False
        outcome = classify_reply(refused.code, refused.message)
        reusable = refused.code != 421 and all(r.code >= 0 for r in replies.envelope)
        if reusable:
            try:
                await client.rset()
            except (aiosmtplib.SMTPException, OSError):
                reusable = False
        return outcome, reusable

    async def close(self) -> None:
        while self._idle:
            await _quietly_close(self._idle.pop().client)


async def _quietly_close(client: aiosmtplib.SMTP) -> None:
    try:
        await client.quit()
    except (aiosmtplib.SMTPException, OSError):
        client.close()
