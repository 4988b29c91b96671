"""An SMTP sink that fails on purpose, reproducibly: every fault is drawn from a seeded RNG.

Each decision has its own RNG keyed by the seed and what it is about (the n-th connection,
the n-th attempt for an address, the address itself), so a run is the same whatever order
concurrent sessions interleave in. Faults, as a real relay shows them:

- ``connect_421``: a new connection is greeted with 421 and closed (the relay is busy);
- ``rcpt_451``: 451 to RCPT TO (greylisting, a full queue);
- ``unknown_550``: the address does not exist: 550 5.1.1 to RCPT, on every attempt;
- ``data_451``: 451 after the final dot (the relay did not take the message);
- ``drop_before_dot``: the connection is closed in the middle of DATA;
- ``drop_after_dot``: the final dot is read, then the connection is closed with no reply:
  the relay *has* the message but the sender cannot know it, the one source of duplicates.

``throttled`` (switched on and off by the test) answers every new connection with 421 and
every MAIL FROM on an open one with 454, as a relay that rate-limits its clients does.
``received`` holds (recipient, Message-ID) for every message the sink kept: those answered 250
and those dropped after the dot.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from dataclasses import dataclass, field

_RCPT = re.compile(r"^RCPT TO:<(.*?)>", re.IGNORECASE)


@dataclass(frozen=True)
class Faults:
    """The share of connections, attempts or addresses that meet each fault (0 to 1)."""

    connect_421: float = 0.0
    rcpt_451: float = 0.0
    unknown_550: float = 0.0
    data_451: float = 0.0
    drop_before_dot: float = 0.0
    drop_after_dot: float = 0.0


ISSUE_FAULTS = Faults(  # the issue's mix
    connect_421=0.05,
    rcpt_451=0.05,
    unknown_550=0.01,
    data_451=0.02,
    drop_before_dot=0.01,
    drop_after_dot=0.01,
)


@dataclass
class FaultySink:
    faults: Faults = Faults()
    seed: int = 1
    delay: float = 0.0  # seconds before answering each final dot (to slow a campaign down)
    throttled: bool = False
    received: list[tuple[str, str]] = field(default_factory=list)  # (rcpt, Message-ID) kept
    after_dot_drops: list[str] = field(default_factory=list)  # rcpts dropped after the dot
    rejected_550: Counter[str] = field(default_factory=Counter)  # rcpt → 550s answered
    attempts: Counter[str] = field(default_factory=Counter)  # rcpt → RCPT TO commands seen
    faults_seen: Counter[str] = field(default_factory=Counter)  # fault name → times
    connections: int = 0
    throttled_replies: int = 0
    server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    def unknown(self, rcpt: str) -> bool:
        """Whether ``rcpt`` is one of the addresses that do not exist (550 5.1.1)."""
        return _draw(self.seed, "address", rcpt) < self.faults.unknown_550

    def _attempt_fault(self, rcpt: str) -> str:
        """The fault of this attempt for ``rcpt`` ("" for none): one draw split in bands."""
        self.attempts[rcpt] += 1
        u = _draw(self.seed, "attempt", rcpt, self.attempts[rcpt])
        f = self.faults
        for name, share in (
            ("rcpt_451", f.rcpt_451),
            ("data_451", f.data_451),
            ("drop_before_dot", f.drop_before_dot),
            ("drop_after_dot", f.drop_after_dot),
        ):
            if u < share:
                return name
            u -= share
        return ""

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            if self.throttled or _draw(self.seed, "connection", self.connections) < (
                self.faults.connect_421
            ):
                self.faults_seen["connect_421"] += 1
                self.throttled_replies += self.throttled
                writer.write(b"421 4.7.0 Too many connections, slow down\r\n")
                await writer.drain()
                return
            writer.write(b"220 faulty ESMTP\r\n")
            await writer.drain()
            await self._commands(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _commands(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        rcpt, fault = "", ""
        while line := await reader.readline():
            command = line.decode(errors="replace").strip()
            verb = command.split(" ")[0].upper()
            reply = b"250 2.0.0 Ok\r\n"
            if verb in {"EHLO", "HELO"}:
                reply = b"250-faulty\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n"
            elif verb == "MAIL" and self.throttled:
                self.throttled_replies += 1
                reply = b"454 4.7.0 Throttling failure: maximum sending rate exceeded\r\n"
            elif verb == "RCPT":
                found = _RCPT.match(command)
                rcpt = found.group(1) if found else ""
                fault = self._attempt_fault(rcpt)
                if self.unknown(rcpt):
                    self.rejected_550[rcpt] += 1
                    reply = b"550 5.1.1 No such user here\r\n"
                elif fault == "rcpt_451":
                    self.faults_seen[fault] += 1
                    reply = b"451 4.3.0 Temporary failure, try again later\r\n"
            elif verb == "DATA":
                writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                await writer.drain()
                answer = await self._data(reader, rcpt, fault)
                if answer is None:  # dropped
                    return
                reply = answer
            elif verb == "QUIT":
                writer.write(b"221 2.0.0 Bye\r\n")
                await writer.drain()
                return
            elif verb not in {"MAIL", "RSET", "NOOP"}:
                reply = b"502 5.5.2 Unknown command\r\n"
            writer.write(reply)
            await writer.drain()

    async def _data(self, reader: asyncio.StreamReader, rcpt: str, fault: str) -> bytes | None:
        """Reads one message; the reply to its final dot, or None to drop the connection."""
        message_id, lines, headers = "", 0, True
        while True:
            line = await reader.readline()
            if not line:
                return None
            lines += 1
            if line == b".\r\n":
                break
            if fault == "drop_before_dot" and lines == 10:
                self.faults_seen[fault] += 1
                return None
            if headers and line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
            headers = headers and line != b"\r\n"
        if self.delay:
            await asyncio.sleep(self.delay)
        if fault == "data_451":
            self.faults_seen[fault] += 1
            return b"451 4.3.0 Queue write error, try again later\r\n"
        self.received.append((rcpt, message_id))
        if fault == "drop_after_dot":
            self.faults_seen[fault] += 1
            self.after_dot_drops.append(rcpt)
            return None
        return b"250 2.0.0 Ok: queued\r\n"


def _draw(seed: int, *about: object) -> float:
    """A number in [0, 1) fixed by the seed and what it is about."""
    return random.Random(":".join(map(str, (seed, *about)))).random()
