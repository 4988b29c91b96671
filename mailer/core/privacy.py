"""Salted address hashes: how an erased or suppressed address is remembered without keeping it.

Also how an address is kept out of what we write down: ``address_tag`` stands for it in logs
(a short keyed hash, the same for the same address, so one person's lines can still be found),
``redact`` replaces every address in a text by its tag, and ``quotes``/``scrub`` find and remove
one erased address in stored reports. Every pattern here is linear in the text it reads.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import re
import unicodedata
from email import message_from_bytes
from email.policy import compat32

# an address starts where a run of address characters starts (so a long run is scanned once)
_ADDRESS = re.compile(
    r"(?<![\w.+'=-])[\w.+'=-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,16}", re.IGNORECASE
)
_ENCODED = re.compile(rb"content-transfer-encoding\s*:\s*(?:base64|quoted-printable)", re.I)
TAG_CHARS = 12
ERASED = "(erased address)"


def address_hash(salt: str, email_key: str) -> str:
    """HMAC-SHA256 of the case-folded address under the installation's salt, in hex."""
    return hmac.new(salt.encode(), email_key.encode(), hashlib.sha256).hexdigest()


def _folded(address: str) -> str:
    return unicodedata.normalize("NFC", address.strip().strip("<>.")).casefold()


def address_tag(key: str, address: str) -> str:
    """``addr:`` and 12 hex digits of an HMAC of the case-folded address under ``key``.

    Keyed (``secrets.key``), so a log cannot be matched against a list of known addresses
    without the key; the same for every spelling of one address, so staff holding the key can
    find one person's lines (``mailer subscribers log-tag``)."""
    digest = hmac.new(key.encode(), b"log\0" + _folded(address).encode(), hashlib.sha256)
    return f"addr:{digest.hexdigest()[:TAG_CHARS]}"


def redact(text: str, key: str) -> str:
    """``text`` with every address in it replaced by its ``address_tag``."""
    if "@" not in text:
        return text
    return _ADDRESS.sub(lambda match: address_tag(key, match.group(0)), text)


def _one(email_key: str) -> re.Pattern[str]:
    """``email_key`` as a whole address (not the end of a longer one), in any case."""
    return re.compile(rf"(?<![\w.+'=-]){re.escape(email_key)}(?![\w-]|\.[\w-])", re.IGNORECASE)


def mentions(text: str | None, email_key: str) -> bool:
    return (
        bool(text) and _one(email_key).search(unicodedata.normalize("NFC", text or "")) is not None
    )


def scrub(text: str, email_key: str) -> str:
    """``text`` with the address ``email_key`` replaced by ``ERASED``."""
    return _one(email_key).sub(ERASED, unicodedata.normalize("NFC", text))


def quotes(raw: bytes, email_key: str) -> bool:
    """Whether a stored message names the address, in its bytes or in a base64 or
    quoted-printable part (Exchange writes its notices so). Unreadable parts count as naming
    it: what cannot be checked is not kept."""
    pattern = _one(email_key)
    if pattern.search(raw.decode("utf-8", errors="replace")):
        return True
    if not _ENCODED.search(raw):
        return False
    try:
        for part in message_from_bytes(raw, policy=compat32).walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and pattern.search(payload.decode("utf-8", "replace")):
                return True
    except (RecursionError, LookupError, ValueError, binascii.Error):
        return True
    return False
