"""Signed tokens for links in messages (unsubscribe, preferences, confirm).

A token names what it is for (its *purpose*) and whom (a short subject such as
``s42.<nonce>``, see ``mailer.core.owners``),
carries the id of the key that signed it (for rotation) and an HMAC-SHA256 over all three,
truncated to 128 bits and compared in constant time. A token made for one purpose never
verifies for another.

Rotation: a key's id is a short fingerprint of the key (``key_id_of``), so new tokens always
name the key that signed them; ``keyring`` maps the current key and the old ones still
accepted (``secrets.old_keys``) by id. Tokens made before ids were fingerprints say ``k1``;
they verify with the current key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from mailer.core.owners import Named, delivery_subject, read_delivery

LEGACY_KEY_ID = "k1"
_BLOCK = 64  # SHA-256's block size: HMAC pads or hashes the key to it
_SUBJECT = re.compile(r"[A-Za-z0-9.:_-]{1,80}")


@lru_cache(maxsize=16)
def _keyed(key: str) -> tuple[Any, Any]:
    """The two keyed SHA-256 states of HMAC (RFC 2104), hashed once per key and copied per
    token: a message carries several tokens, and a token then costs about 2.5 µs instead of
    4.4 µs with ``hmac.new`` each time (``hmac.HMAC.copy`` is slower than these copies)."""
    raw = key.encode()
    if len(raw) > _BLOCK:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(_BLOCK, b"\0")
    return (
        hashlib.sha256(bytes(byte ^ 0x36 for byte in raw)),
        hashlib.sha256(bytes(byte ^ 0x5C for byte in raw)),
    )


def _signature(key: str, key_id: str, purpose: str, subject: str) -> str:
    inner_state, outer_state = _keyed(key)
    inner = inner_state.copy()
    inner.update(f"{purpose}\x00{key_id}\x00{subject}".encode())
    outer = outer_state.copy()
    outer.update(inner.digest())
    return base64.urlsafe_b64encode(outer.digest()[:16]).rstrip(b"=").decode()


@lru_cache(maxsize=16)
def key_id_of(key: str) -> str:
    """The id tokens signed with ``key`` carry: ``k`` and 6 hex digits of its SHA-256."""
    return "k" + hashlib.sha256(key.encode()).hexdigest()[:6]


def keyring(current: str, old: Iterable[str] = ()) -> dict[str, str]:
    """Keys that verify tokens, by id: the current one (also as ``k1``) and the old ones."""
    keys = {key_id_of(key): key for key in old if key}
    return keys | {key_id_of(current): current, LEGACY_KEY_ID: current}


def make_token(key: str, purpose: str, subject: str, *, key_id: str | None = None) -> str:
    """``<key id>.<subject>.<signature>``; the subject is letters, digits and ``.:_-``."""
    key_id = key_id or key_id_of(key)
    if not _SUBJECT.fullmatch(subject) or not _SUBJECT.fullmatch(key_id) or "." in key_id:
        raise ValueError(f"token subject or key id has characters a URL may not carry: {subject!r}")
    return f"{key_id}.{subject}.{_signature(key, key_id, purpose, subject)}"


def read_token(keys: dict[str, str], purpose: str, token: str) -> str | None:
    """The subject of a valid token for ``purpose``, else ``None`` (one answer for every fault)."""
    key_id, _, rest = token.partition(".")
    subject, _, signature = rest.rpartition(".")
    key = keys.get(key_id)
    if key is None or not subject or not _SUBJECT.fullmatch(subject):
        return None
    expected = _signature(key, key_id, purpose, subject)
    return subject if hmac.compare_digest(expected, signature) else None


def bounce_token(key: str, delivery_id: int, nonce: str) -> str:
    """The VERP token of one delivery: ``bounces+<this>@<bounce domain>``; ``nonce`` is the
    recipient's link nonce (``mailer.core.owners``)."""
    return make_token(key, "bounce", delivery_subject(delivery_id, nonce))


def delivery_of_bounce_token(keys: dict[str, str], token: str | None) -> Named | None:
    """The delivery a bounce token names when its HMAC checks; ``None`` for anything else."""
    return read_delivery(read_token(keys, "bounce", token) if token else None)


def message_id_tag(key: str, delivery_id: int) -> str:
    """22 characters that only the holder of ``key`` can make for this delivery: the part of
    its Message-ID that cannot be guessed (``mailer.core.message.message_id``)."""
    return _signature(key, key_id_of(key), "message-id", f"d{delivery_id}")
