"""The bytes our relay puts on the wire are the bytes aiosmtplib's own path would send, and
every reply of a pipelined transaction still ends as the outcome table says."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiosmtplib
from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings
from hypothesis import given
from hypothesis import strategies as st

from mailer.core.delivery import Action
from mailer.smtp.relay import Relay, RelaySettings
from mailer.smtp.wire import data_bytes, path
from tests.scripted_smtp import ScriptedSmtp


def aiosmtplib_data(message: bytes) -> bytes:
    """What ``aiosmtplib.SMTP.data`` writes after the 354 (its own functions, in its order)."""
    return PERIOD_REGEX.sub(b"..", normalize_message_line_endings(message)) + b".\r\n"


# lines that start with dots, bare CR and LF, CRLF, long lines, non-ASCII
NON_ASCII = "Грузия ქართ ".encode()
LINE_ENDS = [b"\r\n", b"\n", b"\r", b"\r\r\n", b"\n\r"]
PIECES = st.sampled_from(
    [*LINE_ENDS, b".", b"..", b"\r\n.", b"\n.", b"\r.", b"a", b" ", b"x" * 1200, NON_ASCII, b"\xff"]
)
MESSAGES = st.lists(PIECES, max_size=40).map(b"".join) | st.binary(max_size=300)


@given(MESSAGES)
def test_data_bytes_equal_aiosmtplib_s_own(message: bytes) -> None:
    assert data_bytes(message) == aiosmtplib_data(message)


@given(st.emails())
def test_paths_equal_aiosmtplib_s_quoting(address: str) -> None:
    try:
        expected = aiosmtplib.email.quote_address(address).encode("ascii")
    except ValueError:
        expected = None
    try:
        ours = path(address)
    except ValueError:
        ours = None
    assert ours == expected


@dataclass
class Recorder:
    """An SMTP server that keeps every command line and the raw DATA bytes (still stuffed)."""

    pipelining: bool
    lines: list[bytes] = field(default_factory=list)
    data: list[bytes] = field(default_factory=list)

    async def session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 recorder\r\n")
        offers = b"250-PIPELINING\r\n" if self.pipelining else b""
        while line := await reader.readline():
            self.lines.append(line)
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-recorder\r\n" + offers + b"250 8BITMIME\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go on\r\n")
                raw = b""
                while not raw.endswith(b"\r\n.\r\n") and raw != b".\r\n":
                    raw += await reader.readuntil(b"\n")
                self.data.append(raw)
                writer.write(b"250 2.0.0 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()


HARD = [
    b".leading dot\r\nbody\r\n",
    b"Subject: bare\nlf\n.\n..\nend",
    b"Subject: bare\rcr\r.\rend\r\n",
    b"long " + b"y" * 3000 + b"\r\n.\r\n\r\n",
    "Subject: Грузия\r\n\r\nქართული\r\n.ტ\r\n".encode(),
    b"no final line end",
]


def test_the_wire_carries_what_aiosmtplib_would_send() -> None:
    async def main() -> tuple[Recorder, Recorder, list[Action]]:
        theirs, ours = Recorder(pipelining=False), Recorder(pipelining=True)
        servers = [await asyncio.start_server(r.session, "127.0.0.1", 0) for r in (theirs, ours)]
        ports = [int(s.sockets[0].getsockname()[1]) for s in servers]
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=ports[0], start_tls=False)
        await client.connect()
        for message in HARD:
            await client.sendmail("bounces+a.b@example.org", ["m@example.net"], message)
        await client.quit()
        relay = Relay(RelaySettings("127.0.0.1", ports[1]), size=1)
        actions = []
        for message in HARD:
            outcome = await relay.send("bounces+a.b@example.org", "m@example.net", message)
            actions.append(outcome.action)
        await relay.close()
        for server in servers:
            server.close()
        return theirs, ours, actions

    theirs, ours, actions = asyncio.run(main())
    assert actions == [Action.SENT] * len(HARD)
    assert ours.data == theirs.data
    mail = [line for line in ours.lines if line.startswith((b"MAIL", b"RCPT"))]
    assert mail == [line for line in theirs.lines if line.startswith((b"MAIL", b"RCPT"))]


def test_pipelined_replies_map_to_the_outcome_table() -> None:
    """MAIL, RCPT and DATA in one write: a refused RCPT defers, the connection is reused."""

    async def main(pipelining: bool) -> tuple[list[str], int, int]:
        server = ScriptedSmtp(pipelining=pipelining)
        port = await server.start()
        relay = Relay(RelaySettings("127.0.0.1", port, timeout=5), size=1)
        actions = []
        for to in ["a@example.net", "busy452@example.net", "b@example.net", "drop-after@x.net"]:
            outcome = await relay.send("bounces@example.org", to, b"Subject: x\r\n\r\nhi\r\n")
            actions.append(f"{outcome.action}:{outcome.code}")
        await relay.close()
        await server.stop()
        return actions, server.connections, len(server.accepted)

    for pipelining in (True, False):
        actions, connections, accepted = asyncio.run(main(pipelining))
        assert actions == ["sent:250", "deferred:452", "sent:250", "deferred:None"]
        assert connections == 1  # the refusal left the connection usable
        assert accepted == 2
