"""Small real IMAP4rev1 and POP3 servers for tests, on 127.0.0.1 port 0, over a shared mailstore.

Each server runs in its own thread (imaplib and poplib block) and implements just what a
bounce fetcher needs. Security modes: "none", "tls" (implicit) and "starttls"; in "starttls"
mode the server refuses to log in before TLS, as real servers do, so a test that logs in
proves TLS was started. Every command line received is recorded in ``commands``; a failed
login's reply echoes what the client sent, so tests can prove a password is not repeated.

``self_signed_tls()`` makes a certificate for 127.0.0.1/localhost with ``cryptography`` and
returns the server's context and a client context that trusts it.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import socket
import socketserver
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SOCKET_TIMEOUT = 5.0
MAX_LINE = 64 * 1024


def self_signed_tls() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting only this certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as folder:  # load_cert_chain reads files only
        cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
        cert_file.write_bytes(cert_pem)
        key_file.write_bytes(key_pem)
        server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cadata=cert_pem.decode("ascii"))
    return server, client


# --- the mailstore -------------------------------------------------------------------------


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class Mailstore:
    """Folders of messages; POP3 serves "INBOX". Guarded by ``lock`` while a server uses it."""

    folders: dict[str, list[StoredMessage]] = field(default_factory=lambda: {"INBOX": []})
    uid_next: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, raw: bytes, folder: str = "INBOX", flags: Iterable[str] = ()) -> StoredMessage:
        messages = self.folders.setdefault(folder, [])
        uid = self.uid_next.get(folder, 1)
        self.uid_next[folder] = uid + 1
        message = StoredMessage(uid, raw, set(flags))
        messages.append(message)
        return message

    def raws(self, folder: str = "INBOX") -> list[bytes]:
        return [m.raw for m in self.folders.get(folder, [])]


# --- the server frame ----------------------------------------------------------------------


class _Session:
    """One client connection: line I/O that can switch to TLS halfway."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.file: BinaryIO = sock.makefile("rb")
        self.tls = isinstance(sock, ssl.SSLSocket)

    def readline(self) -> bytes:
        return self.file.readline(MAX_LINE)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def close(self) -> None:
        self.file.close()
        self.sock.close()

    def start_tls(self, context: ssl.SSLContext) -> None:
        self.file.close()
        self.sock = context.wrap_socket(self.sock, server_side=True)
        self.file = self.sock.makefile("rb")
        self.tls = True


class _ThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False


class MailServer:
    """Base of both servers: starts on ``with``, stops on exit; ``port`` is the bound port."""

    def __init__(
        self,
        store: Mailstore,
        *,
        security: str = "none",
        tls: ssl.SSLContext | None = None,
        username: str = "bounces",
        password: str = "s3cret-pass",
    ) -> None:
        assert security in {"none", "tls", "starttls"}
        assert security == "none" or tls is not None, "tls and starttls need a server context"
        self.store = store
        self.security = security
        self.tls = tls
        self.username = username
        self.password = password
        self.commands: list[str] = []
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer._serve(self.request)

        self._server = _ThreadingServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def __enter__(self) -> MailServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=SOCKET_TIMEOUT)

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(SOCKET_TIMEOUT)
        session: _Session | None = None
        try:
            if self.security == "tls":
                assert self.tls is not None
                sock = self.tls.wrap_socket(sock, server_side=True)
            session = _Session(sock)
            self.converse(session)
        except (OSError, ValueError):
            pass  # the client went away or failed the handshake: the session just ends
        finally:
            if session is not None:
                session.close()
            sock.close()

    def converse(self, session: _Session) -> None:
        raise NotImplementedError

    def _log(self, line: str) -> None:
        with self.store.lock:
            self.commands.append(line)


# --- IMAP ----------------------------------------------------------------------------------

Reply = tuple[bytes, bytes]  # (untagged lines, tagged status without the tag)
_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\([^)]*\))|(\S+)')


def _tokens(text: bytes) -> list[str]:
    words = []
    for quoted, listed, atom in _TOKEN.findall(text):
        if quoted or (not listed and not atom):
            words.append(re.sub(rb"\\(.)", rb"\1", quoted).decode())
        else:
            words.append((listed or atom).decode())
    return words


def _in_set(spec: str, number: int, highest: int) -> bool:
    for part in spec.split(","):
        low, _, high = part.partition(":")
        a = highest if low == "*" else int(low)
        b = a if not high else highest if high == "*" else int(high)
        if min(a, b) <= number <= max(a, b):
            return True
    return False


class ImapServer(MailServer):
    """IMAP4rev1: CAPABILITY, NOOP, LOGOUT, STARTTLS, LOGIN, SELECT, CREATE, EXPUNGE and UID
    SEARCH / FETCH / STORE / COPY / MOVE / EXPUNGE. MOVE and UIDPLUS are advertised only after
    login (as Dovecot does) and only when enabled."""

    def __init__(
        self,
        store: Mailstore,
        *,
        security: str = "none",
        tls: ssl.SSLContext | None = None,
        move: bool = True,
        uidplus: bool = True,
    ) -> None:
        super().__init__(store, security=security, tls=tls)
        self.move = move
        self.uidplus = uidplus

    def _capabilities(self, session: _Session, logged_in: bool) -> str:
        words = ["IMAP4rev1"]
        if self.security == "starttls" and not session.tls:
            words += ["STARTTLS", "LOGINDISABLED"]
        if logged_in:
            words += ["MOVE"] * self.move + ["UIDPLUS"] * self.uidplus
        return " ".join(words)

    def converse(self, session: _Session) -> None:
        session.send(b"* OK [CAPABILITY " + self._capabilities(session, False).encode() + b"]\r\n")
        state: dict[str, str | None] = {"user": None, "folder": None}
        while line := session.readline():
            self._log(line.decode(errors="replace").rstrip("\r\n"))
            tag, _, rest = line.rstrip(b"\r\n").partition(b" ")
            words = _tokens(rest)
            command = words[0].upper() if words else ""
            untagged, status = self._command(session, state, command, words[1:])
            session.send(untagged + tag + b" " + status + b"\r\n")
            if command == "STARTTLS" and status.startswith(b"OK"):
                assert self.tls is not None
                session.start_tls(self.tls)
            if command == "LOGOUT":
                return

    def _command(
        self, session: _Session, state: dict[str, str | None], command: str, args: list[str]
    ) -> Reply:
        """(untagged lines, tagged status) for one command."""
        if command == "CAPABILITY":
            caps = self._capabilities(session, state["user"] is not None)
            return b"* CAPABILITY " + caps.encode() + b"\r\n", b"OK done"
        if command == "NOOP":
            return b"", b"OK done"
        if command == "LOGOUT":
            return b"* BYE bye\r\n", b"OK done"
        if command == "STARTTLS":
            if self.security != "starttls" or session.tls:
                return b"", b"BAD no STARTTLS here"
            return b"", b"OK begin TLS"
        if command == "LOGIN":
            if self.security == "starttls" and not session.tls:
                return b"", b"NO [PRIVACYREQUIRED] LOGIN needs STARTTLS first"
            if args == [self.username, self.password]:
                state["user"] = args[0]
                return b"", b"OK logged in"
            echoed = " ".join(args).encode()  # a careless server repeats what it was sent
            return b"", b"NO [AUTHENTICATIONFAILED] refused: " + echoed
        if state["user"] is None:
            return b"", b"BAD log in first"
        with self.store.lock:
            return self._mailbox_command(state, command, args)

    def _mailbox_command(
        self, state: dict[str, str | None], command: str, args: list[str]
    ) -> Reply:
        if command == "CREATE":
            if args[0] in self.store.folders:
                return b"", b"NO [ALREADYEXISTS] exists"
            self.store.folders[args[0]] = []
            return b"", b"OK created"
        if command == "SELECT":
            if args[0] not in self.store.folders:
                state["folder"] = None
                return b"", b"NO [NONEXISTENT] no such folder"
            state["folder"] = args[0]
            count = len(self.store.folders[args[0]])
            uid_next = self.store.uid_next.get(args[0], 1)
            untagged = (
                f"* {count} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen \\Deleted)\r\n"
                f"* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT {uid_next}] ok\r\n"
            )
            return untagged.encode(), b"OK [READ-WRITE] selected"
        folder = state["folder"]
        if folder is None:
            return b"", b"BAD select a folder first"
        messages = self.store.folders[folder]
        if command == "EXPUNGE":
            return self._expunge(messages, None), b"OK expunged"
        if command == "UID" and args:
            return self._uid(messages, args[0].upper(), args[1:])
        return b"", b"BAD unknown command"

    def _uid(self, messages: list[StoredMessage], command: str, args: list[str]) -> Reply:
        highest = max((m.uid for m in messages), default=0)
        if command == "SEARCH":
            return self._search(messages, args)
        if not args:
            return b"", b"BAD missing message set"
        chosen = [(n, m) for n, m in enumerate(messages, 1) if _in_set(args[0], m.uid, highest)]
        if command == "FETCH":
            items = args[1].strip("()").upper().split()
            return b"".join(self._fetch(n, m, items) for n, m in chosen), b"OK done"
        if command == "STORE":
            return self._store(chosen, args[1].upper(), args[2].strip("()").split())
        if command in {"COPY", "MOVE"} and (command == "COPY" or self.move):
            if args[1] not in self.store.folders:
                return b"", b"NO [TRYCREATE] no such folder"
            for _, message in chosen:
                self.store.add(message.raw, args[1], message.flags - {"\\Deleted"})
            if command == "COPY":
                return b"", b"OK copied"
            return self._expunge(messages, {m.uid for _, m in chosen}, any_flags=True), b"OK moved"
        if command == "EXPUNGE" and self.uidplus:
            return self._expunge(messages, {m.uid for _, m in chosen}), b"OK expunged"
        return b"", b"BAD unknown UID command"

    def _search(self, messages: list[StoredMessage], keys: list[str]) -> Reply:
        tests: dict[str, Callable[[StoredMessage], bool]] = {
            "ALL": lambda m: True,
            "UNDELETED": lambda m: "\\Deleted" not in m.flags,
            "DELETED": lambda m: "\\Deleted" in m.flags,
            "UNSEEN": lambda m: "\\Seen" not in m.flags,
        }
        if any(key.upper() not in tests for key in keys):
            return b"", b"BAD unsupported search"
        found = [m.uid for m in messages if all(tests[k.upper()](m) for k in keys)]
        return f"* SEARCH {' '.join(map(str, found))}\r\n".encode(), b"OK done"

    def _fetch(self, number: int, message: StoredMessage, items: list[str]) -> bytes:
        parts = [f"UID {message.uid}".encode()]
        literal = b""
        for item in items:
            if item == "RFC822.SIZE":
                parts.append(f"RFC822.SIZE {len(message.raw)}".encode())
            elif item in {"BODY[]", "BODY.PEEK[]", "RFC822"}:
                if item != "BODY.PEEK[]":
                    message.flags.add("\\Seen")
                literal = message.raw
            elif item == "FLAGS":
                parts.append(f"FLAGS ({' '.join(sorted(message.flags))})".encode())
        head = f"* {number} FETCH (".encode() + b" ".join(parts)
        if literal:
            head += f" BODY[] {{{len(literal)}}}\r\n".encode() + literal
        return head + b")\r\n"

    def _store(self, chosen: list[tuple[int, StoredMessage]], how: str, flags: list[str]) -> Reply:
        untagged = b""
        for number, message in chosen:
            if how.startswith("+"):
                message.flags |= set(flags)
            elif how.startswith("-"):
                message.flags -= set(flags)
            else:
                message.flags = set(flags)
            if not how.endswith(".SILENT"):
                untagged += self._fetch(number, message, ["FLAGS"])
        return untagged, b"OK stored"

    def _expunge(
        self, messages: list[StoredMessage], only: set[int] | None, *, any_flags: bool = False
    ) -> bytes:
        untagged = b""
        for number in range(len(messages), 0, -1):
            message = messages[number - 1]
            if only is not None and message.uid not in only:
                continue
            if any_flags or "\\Deleted" in message.flags:
                del messages[number - 1]
                untagged += f"* {number} EXPUNGE\r\n".encode()
        return untagged


# --- POP3 ----------------------------------------------------------------------------------


class Pop3Server(MailServer):
    """POP3 (RFC 1939 + CAPA, STLS): USER/PASS, STAT, LIST, RETR, DELE, RSET, NOOP, QUIT.
    Deletions take effect only at QUIT, as in the RFC."""

    def converse(self, session: _Session) -> None:
        session.send(b"+OK test POP3 ready\r\n")
        user: str | None = None
        logged_in = False
        deleted: set[int] = set()
        snapshot: list[StoredMessage] = []
        while line := session.readline():
            self._log(line.decode(errors="replace").rstrip("\r\n"))
            verb, _, arg = line.decode(errors="replace").strip().partition(" ")
            verb = verb.upper()
            if verb == "CAPA":
                stls = "STLS\r\n" if self.security == "starttls" and not session.tls else ""
                session.send(f"+OK\r\nUSER\r\n{stls}.\r\n".encode())
            elif verb == "STLS" and self.security == "starttls" and not session.tls:
                session.send(b"+OK begin TLS\r\n")
                assert self.tls is not None
                session.start_tls(self.tls)
            elif verb == "USER" and not logged_in:
                if self.security == "starttls" and not session.tls:
                    session.send(b"-ERR [SYS/PERM] STLS first\r\n")
                    continue
                user = arg
                session.send(b"+OK send PASS\r\n")
            elif verb == "PASS" and user is not None and not logged_in:
                if (user, arg) != (self.username, self.password):
                    session.send(f"-ERR [AUTH] refused: {user} {arg}\r\n".encode())
                    user = None
                    continue
                logged_in = True
                with self.store.lock:
                    snapshot = list(self.store.folders["INBOX"])
                session.send(b"+OK logged in\r\n")
            elif verb == "QUIT":
                with self.store.lock:
                    gone = {id(snapshot[n - 1]) for n in deleted}
                    inbox = self.store.folders["INBOX"]
                    inbox[:] = [m for m in inbox if id(m) not in gone]
                session.send(b"+OK bye\r\n")
                return
            elif not logged_in:
                session.send(b"-ERR log in first\r\n")
            else:
                session.send(self._transaction(snapshot, deleted, verb, arg))

    def _transaction(
        self, snapshot: list[StoredMessage], deleted: set[int], verb: str, arg: str
    ) -> bytes:
        live = [(n, m) for n, m in enumerate(snapshot, 1) if n not in deleted]
        if verb == "STAT":
            return f"+OK {len(live)} {sum(len(m.raw) for _, m in live)}\r\n".encode()
        if verb == "LIST" and not arg:
            lines = "".join(f"{n} {len(m.raw)}\r\n" for n, m in live)
            return f"+OK {len(live)} messages\r\n{lines}.\r\n".encode()
        if verb == "NOOP":
            return b"+OK\r\n"
        if verb == "RSET":
            deleted.clear()
            return b"+OK\r\n"
        number = int(arg) if arg.isdigit() else 0
        if not any(n == number for n, _ in live):
            return b"-ERR no such message\r\n"
        message = snapshot[number - 1]
        if verb == "LIST":
            return f"+OK {number} {len(message.raw)}\r\n".encode()
        if verb == "DELE":
            deleted.add(number)
            return b"+OK deleted\r\n"
        if verb == "RETR":
            body = message.raw.removesuffix(b"\r\n").split(b"\r\n")
            stuffed = b"".join((b"." + ln if ln.startswith(b".") else ln) + b"\r\n" for ln in body)
            return f"+OK {len(message.raw)} octets\r\n".encode() + stuffed + b".\r\n"
        return b"-ERR unknown command\r\n"
