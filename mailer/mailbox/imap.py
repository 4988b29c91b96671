"""IMAP: read newest first with ``BODY.PEEK[]``, move or delete only what was recognised."""

from __future__ import annotations

import base64
import imaplib
import re
import ssl
from contextlib import suppress

from mailer.mailbox.base import (
    PROTOCOL_ERRORS,
    FetchResult,
    Handle,
    Mailbox,
    handled,
    refused,
    step,
)

# --- IMAP ----------------------------------------------------------------------------------

_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


def fetch_imap(mailbox: Mailbox, handle: Handle, context: ssl.SSLContext) -> FetchResult:
    port, timeout = mailbox.effective_port, mailbox.timeout
    with step(mailbox, "connecting"):
        if mailbox.security == "tls":
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                mailbox.host, port, ssl_context=context, timeout=timeout
            )
        else:
            imap = imaplib.IMAP4(mailbox.host, port, timeout=timeout)
    try:
        if mailbox.security == "starttls":
            with step(mailbox, "STARTTLS"):
                imap.starttls(context)
        with step(mailbox, "login", login=True):
            imap.login(_quote(mailbox.username), mailbox.password)
        with step(mailbox, "CAPABILITY"):  # servers often list MOVE and UIDPLUS only after login
            typ, data = imap.capability()
            capabilities = set(b" ".join(d for d in data if isinstance(d, bytes)).upper().split())
        with step(mailbox, f"opening folder {mailbox.folder!r}"):
            typ, data = imap.select(_quote(_imap_utf7(mailbox.folder)))
            if typ != "OK":
                raise refused("SELECT", typ, list(data))
        return _drain_imap(imap, mailbox, handle, capabilities)
    finally:
        _logout_quietly(imap)


def _logout_quietly(imap: imaplib.IMAP4) -> None:
    """The run's outcome is already decided; a failed goodbye changes nothing."""
    try:
        imap.logout()
    except PROTOCOL_ERRORS:
        with suppress(OSError):
            imap.shutdown()  # logout() skips it when LOGOUT itself fails


def _drain_imap(
    imap: imaplib.IMAP4, mailbox: Mailbox, handle: Handle, capabilities: set[bytes]
) -> FetchResult:
    result = FetchResult()
    with step(mailbox, "UID SEARCH"):
        uids = sorted(_uids(imap, "SEARCH", "UNDELETED"), reverse=True)
    chosen = uids[: mailbox.max_messages]
    result.remaining = len(uids) - len(chosen)
    if not chosen:
        return result
    with step(mailbox, "UID FETCH of message sizes"):
        sizes = _sizes(imap, chosen)
    for uid in chosen:
        if uid not in sizes:
            continue  # expunged by another client since the search
        result.seen += 1
        if sizes[uid] > mailbox.max_bytes:
            result.skipped_too_big += 1
            continue
        with step(mailbox, f"UID FETCH of message {uid}"):
            raw = _body(imap, uid)
        if raw is None:
            result.seen -= 1
            continue
        recognised = handled(mailbox, handle, raw, f"IMAP UID {uid}")
        if recognised is None:
            result.errors += 1
        elif recognised:
            target = f"moving message {uid} to {mailbox.move_to!r}"
            with step(mailbox, target if mailbox.move_to else f"deleting message {uid}"):
                _remove(imap, uid, mailbox.move_to, capabilities)
            result.recognised += 1
        else:
            result.left += 1
    return result


def _uids(imap: imaplib.IMAP4, command: str, *args: str) -> list[int]:
    typ, data = imap.uid(command, *args)
    if typ != "OK":
        raise refused(f"UID {command}", typ, list(data))
    return [int(n) for d in data if isinstance(d, bytes) for n in d.split() if n.isdigit()]


def _sizes(imap: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    typ, data = imap.uid("FETCH", _uid_set(uids), "(UID RFC822.SIZE)")
    if typ != "OK":
        raise refused("UID FETCH", typ, list(data))
    sizes: dict[int, int] = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if not isinstance(line, bytes):
            continue
        uid, size = _UID.search(line), _SIZE.search(line)
        if uid and size:  # other untagged FETCH lines (flag changes) carry no size
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _body(imap: imaplib.IMAP4, uid: int) -> bytes | None:
    """The message's raw bytes, read without setting \\Seen; None if it vanished."""
    typ, data = imap.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
    if typ != "OK":
        raise refused("UID FETCH", typ, list(data))
    for index, item in enumerate(data):
        if not (isinstance(item, tuple) and b"BODY[]" in item[0].upper()):
            continue
        after = data[index + 1] if index + 1 < len(data) else b""
        found = _UID.search(item[0]) or (_UID.search(after) if isinstance(after, bytes) else None)
        if found is None or int(found.group(1)) == uid:  # UID may come after the literal
            return bytes(item[1])
    return None


def _remove(imap: imaplib.IMAP4, uid: int, move_to: str | None, capabilities: set[bytes]) -> None:
    if move_to:
        folder = _quote(_imap_utf7(move_to))
        if b"MOVE" in capabilities:
            _transfer(imap, "MOVE", uid, folder)
            return
        _transfer(imap, "COPY", uid, folder)
    typ, data = imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
    if typ != "OK":
        raise refused("UID STORE", typ, list(data))
    # UID EXPUNGE removes only this message; plain EXPUNGE also takes what others marked \Deleted
    typ, data = imap.uid("EXPUNGE", str(uid)) if b"UIDPLUS" in capabilities else imap.expunge()
    if typ != "OK":
        raise refused("EXPUNGE", typ, list(data))


def _transfer(imap: imaplib.IMAP4, command: str, uid: int, folder: str) -> None:
    """UID COPY or MOVE, creating the folder once when the server says [TRYCREATE]."""
    typ, data = imap.uid(command, str(uid), folder)
    if typ == "NO" and any(isinstance(d, bytes) and b"[TRYCREATE]" in d.upper() for d in data):
        typ, data = imap.create(folder)
        if typ != "OK":
            raise refused("CREATE", typ, list(data))
        typ, data = imap.uid(command, str(uid), folder)
    if typ != "OK":
        raise refused(f"UID {command}", typ, list(data))


def _uid_set(uids: list[int]) -> str:
    """``[9, 8, 7, 3]`` → ``"3,7:9"``: a short command line however many messages."""
    runs: list[list[int]] = []
    for uid in sorted(uids):
        if runs and uid == runs[-1][1] + 1:
            runs[-1][1] = uid
        else:
            runs.append([uid, uid])
    return ",".join(str(a) if a == b else f"{a}:{b}" for a, b in runs)


def _quote(text: str) -> str:
    """An IMAP quoted string (imaplib sends folder names and the username verbatim)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3), e.g. for "Отказы"."""
    out: list[str] = []
    pending = ""

    def flush() -> None:
        nonlocal pending
        if pending:
            encoded = base64.b64encode(pending.encode("utf-16-be")).rstrip(b"=")
            out.append("&" + encoded.replace(b"/", b",").decode("ascii") + "-")
            pending = ""

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending += char
    flush()
    return "".join(out)
