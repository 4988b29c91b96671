"""A tiny SMTP server for tests that misbehaves on cue, in the test's own event loop.

It offers PIPELINING unless told not to (and then refuses a DATA after a refused RCPT). The
behaviour is chosen by the recipient's local part: ``drop-before`` closes the connection in the
middle of DATA, ``drop-after`` reads the final dot and closes without a reply, ``slow``
never answers the dot, ``busy452`` answers 452 to RCPT. ``greeting`` answers every new
connection with that line and closes (e.g. ``421 4.7.0 Too busy``). Everything else is 250.
Every message accepted is recorded with its Message-ID. With ``hold_after`` set, every final
dot after that many accepted messages waits until ``released`` is set (a test kills a client).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ScriptedSmtp:
    greeting: str = "220 scripted ESMTP"
    accepted: list[tuple[str, str]] = field(default_factory=list)  # (rcpt, Message-ID)
    dot_seen: list[str] = field(default_factory=list)  # rcpts whose final dot arrived
    connections: int = 0
    server: asyncio.Server | None = None
    on_accept: Callable[[int], None] | None = None  # called with the count after each 250
    delay: float = 0.0  # seconds before answering each final dot
    raw: list[bytes] = field(default_factory=list)  # every accepted message, dot-unstuffed
    pipelining: bool = True  # offer PIPELINING (RFC 2920); commands are read line by line anyway

    stopping: asyncio.Event = field(default_factory=asyncio.Event)  # what ``slow`` waits for
    hold_after: int | None = None  # after this many 250s, hold every final dot until released
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self.stopping.set()
        self.released.set()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.write(self.greeting.encode() + b"\r\n")
        await writer.drain()
        if not self.greeting.startswith("220"):
            writer.close()
            return
        rcpt, valid = "", False
        try:
            while line := await reader.readline():
                command = line.decode(errors="replace").strip()
                verb = command.split(" ")[0].upper()
                if verb in {"EHLO", "HELO"}:
                    offers = b"250-PIPELINING\r\n" if self.pipelining else b""
                    writer.write(
                        b"250-scripted\r\n" + offers + b"250-8BITMIME\r\n250 SIZE 52428800\r\n"
                    )
                elif verb == "MAIL":
                    valid = False
                    writer.write(b"250 2.1.0 Ok\r\n")
                elif verb == "RCPT":
                    rcpt = re.sub(r"^RCPT TO:<(.*)>.*$", r"\1", command, flags=re.IGNORECASE)
                    busy = rcpt.startswith("busy452@")
                    valid = not busy
                    writer.write(b"452 4.2.2 Over quota\r\n" if busy else b"250 2.1.5 Ok\r\n")
                elif verb == "DATA" and not valid:  # a pipelined DATA after a refused RCPT
                    writer.write(b"554 5.5.1 No valid recipients\r\n")
                elif verb == "DATA":
                    writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    await writer.drain()
                    if not await self._data(reader, writer, rcpt):
                        return
                    continue
                elif verb == "RSET":
                    writer.write(b"250 2.0.0 Ok\r\n")
                elif verb == "QUIT":
                    writer.write(b"221 2.0.0 Bye\r\n")
                    await writer.drain()
                    break
                else:
                    writer.write(b"502 5.5.2 Unknown command\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _data(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, rcpt: str
    ) -> bool:
        """Read the message; False when the script says to drop the connection."""
        local = rcpt.split("@")[0]
        message_id = ""
        lines = 0
        content: list[bytes] = []
        while True:
            line = await reader.readline()
            if not line:
                return False
            lines += 1
            if line != b".\r\n":
                content.append(line[1:] if line.startswith(b"..") else line)
            if local == "drop-before" and lines == 20:
                writer.close()
                return False
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
            if line == b".\r\n":
                break
        self.dot_seen.append(rcpt)
        if local == "drop-after":
            writer.close()
            return False
        if local == "slow":
            await self.stopping.wait()  # never answers: the client's timeout must end it
            writer.close()
            return False
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold_after is not None and len(self.accepted) >= self.hold_after:
            await self.released.wait()
        self.accepted.append((rcpt, message_id))
        self.raw.append(b"".join(content))
        if self.on_accept is not None:
            self.on_accept(len(self.accepted))
        writer.write(b"250 2.0.0 Ok: queued\r\n")
        await writer.drain()
        return True
