"""One mail transaction on an aiosmtplib connection, without aiosmtplib's per-message passes.

aiosmtplib's ``data()`` runs three regular expressions over every message (line-end
normalisation, dot-stuffing, and on each command an injection check) and ``mail()``/``rcpt()``
parse both addresses with ``email.utils``: together about 0.4 ms a 48 KB message, a fifth of
the sender's time. Our messages are built with CRLF line ends already, so ``data_bytes``
makes the wire form with two ``bytes.count`` and one ``bytes.replace`` (C loops) and falls
back to aiosmtplib's own normalisation only for a message that needs it; a property test
proves the bytes equal what aiosmtplib's ``data()`` writes.

``Pipelining`` is aiosmtplib's protocol with one addition: it keeps every reply that arrives
while a pipelined transaction reads (aiosmtplib parses one reply per ``data_received`` and
drops what comes while nobody waits). When the relay offers PIPELINING (RFC 2920), MAIL, RCPT
and DATA go in one write: two round trips a message instead of four. aiosmtplib still
connects, does TLS, EHLO and AUTH, and parses each reply.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from dataclasses import dataclass

from aiosmtplib import SMTP, SMTPReadTimeoutError, SMTPResponse, SMTPServerDisconnected
from aiosmtplib.email import quote_address
from aiosmtplib.protocol import MAX_RESPONSE_LENGTH, SMTPProtocol, normalize_message_line_endings

# A dot-atom address (what our importer stores): aiosmtplib's parseaddr would return it as it is.
_PLAIN_ADDRESS = re.compile(rb"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
END = b".\r\n"


def data_bytes(message: bytes) -> bytes:
    """The bytes DATA sends for ``message``: CRLF line ends, dot-stuffed, the final dot.

    Equal to what aiosmtplib's ``data()`` writes after its 354 (tests/unit/test_wire.py).
    """
    crlf = message.count(b"\r\n")
    if message.count(b"\n") != crlf or message.count(b"\r") != crlf:
        message = normalize_message_line_endings(message)  # bare CR or LF: rare, let it fix them
    elif not message.endswith(b"\r\n"):
        message += b"\r\n"
    if message.startswith(b"."):
        message = b"." + message
    return message.replace(b"\r\n.", b"\r\n..") + END


def path(address: str) -> bytes:
    """``<address>`` as MAIL FROM/RCPT TO carry it; ValueError for one SMTP cannot carry."""
    raw = address.encode("ascii")  # UnicodeEncodeError is a ValueError, as aiosmtplib raises
    if _PLAIN_ADDRESS.fullmatch(raw):
        return b"<" + raw + b">"
    return quote_address(address).encode("ascii")


class Dropped(Exception):
    """The connection was lost or timed out; ``in_data`` once the message itself was written."""

    def __init__(self, *, in_data: bool) -> None:
        super().__init__("connection lost during DATA" if in_data else "connection lost")
        self.in_data = in_data


_LOST = (SMTPServerDisconnected, SMTPReadTimeoutError, OSError)


@dataclass(frozen=True)
class Replies:
    """The replies of one transaction: to MAIL, RCPT and DATA, then to the final dot."""

    envelope: tuple[SMTPResponse, ...]  # code 0: not sent after a refusal; -1: connection lost
    final: SMTPResponse | None  # None when the envelope was refused

    @property
    def refused(self) -> SMTPResponse | None:
        """The first envelope reply that stops the message (MAIL 250, RCPT 250/251, DATA 354)."""
        mail, rcpt, data = self.envelope
        if mail.code != 250:
            return mail
        if rcpt.code not in (250, 251):
            return rcpt
        return data if data.code != 354 else None


class Pipelining(SMTPProtocol):
    """aiosmtplib's protocol that can wait for several replies to one write."""

    _replies: deque[SMTPResponse]
    _wanted: asyncio.Future[None] | None
    _broken: BaseException | None

    @classmethod
    def adopt(cls, client: SMTP) -> Pipelining:
        """Turn the connected ``client``'s protocol into this one (the state is the same)."""
        protocol = client.protocol
        if protocol is None:
            raise SMTPServerDisconnected("Connection lost")
        protocol.__class__ = cls
        adopted: Pipelining = protocol  # type: ignore[assignment]
        adopted._replies, adopted._wanted, adopted._broken = deque(), None, None
        return adopted

    def data_received(self, data: bytes) -> None:
        if self._wanted is None:  # aiosmtplib's own commands (EHLO, RSET, QUIT)
            super().data_received(data)
            return
        self._buffer.extend(data)
        try:
            while (reply := self._read_response_from_buffer()) is not None:
                self._replies.append(reply)
        except Exception as exc:  # a malformed reply: aiosmtplib's own exception
            self._broken = exc
        if len(self._buffer) > MAX_RESPONSE_LENGTH:
            self._broken = SMTPServerDisconnected("Response too long")
        if (self._replies or self._broken) and not self._wanted.done():
            self._wanted.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self._broken = SMTPServerDisconnected("Connection lost")
        if self._wanted is not None and not self._wanted.done():
            self._wanted.set_result(None)
        super().connection_lost(exc)

    async def exchange(
        self, payload: bytes, count: int, timeout: float | None
    ) -> list[SMTPResponse]:
        """Write ``payload`` and read ``count`` replies (more than one when pipelining)."""
        self._replies.clear()
        self._wanted = self._loop.create_future()
        try:
            self.write(payload)
            got: list[SMTPResponse] = []
            while True:
                while self._replies and len(got) < count:
                    got.append(self._replies.popleft())
                if len(got) == count:
                    return got
                if self._broken is not None:
                    if any(reply.code >= 400 for reply in got):  # e.g. 421 and a close
                        return got + [SMTPResponse(-1, "connection lost")] * (count - len(got))
                    raise self._broken
                try:
                    await asyncio.wait_for(self._wanted, timeout)
                except TimeoutError as exc:
                    raise SMTPReadTimeoutError("Timed out waiting for server response") from exc
                self._wanted = self._loop.create_future()
        finally:
            self._wanted = None


async def transact(
    client: SMTP,
    protocol: Pipelining,
    envelope: tuple[bytes, bytes],
    data: bytes,
    *,
    eight_bit: bool,
    pipelining: bool,
) -> Replies:
    """MAIL, RCPT, DATA and the message (``data_bytes``); ``Dropped`` when the connection is lost.

    With ``pipelining`` the three commands go in one write (RFC 2920); the message follows
    only after DATA's 354. A refused envelope is answered with RSET (after a lone final dot
    when DATA was accepted anyway), so the connection can carry the next message.
    """
    try:
        replies = await _envelope(protocol, envelope, client.timeout, eight_bit, pipelining)
    except _LOST as exc:
        raise Dropped(in_data=False) from exc
    done = Replies(replies, None)
    try:
        if done.refused is None:
            final = (await protocol.exchange(data, 1, client.timeout))[0]
            return Replies(replies, final)
        if replies[2].code == 354:  # DATA accepted although the envelope was not: no message
            await protocol.exchange(END, 1, client.timeout)
    except _LOST as exc:
        raise Dropped(in_data=done.refused is None) from exc
    return done


async def _envelope(
    protocol: Pipelining,
    envelope: tuple[bytes, bytes],
    timeout: float | None,
    eight_bit: bool,
    pipelining: bool,
) -> tuple[SMTPResponse, ...]:
    sender, recipient = envelope
    mail = b"MAIL FROM:" + sender + (b" BODY=8BITMIME\r\n" if eight_bit else b"\r\n")
    rcpt = b"RCPT TO:" + recipient + b"\r\n"
    if pipelining:
        replies = tuple(await protocol.exchange(mail + rcpt + b"DATA\r\n", 3, timeout))
    else:
        replies = tuple(await protocol.exchange(mail, 1, timeout))
        if replies[0].code == 250:
            replies += tuple(await protocol.exchange(rcpt, 1, timeout))
            if replies[1].code in (250, 251):
                replies += tuple(await protocol.exchange(b"DATA\r\n", 1, timeout))
        unsent = SMTPResponse(0, "not sent")  # a command not sent after a refusal
        replies += (unsent,) * (3 - len(replies))
    return replies
