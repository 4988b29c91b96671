"""Salted address hashes: how an erased or suppressed address is remembered without keeping it."""

from __future__ import annotations

import hashlib
import hmac


def address_hash(salt: str, email_key: str) -> str:
    """HMAC-SHA256 of the case-folded address under the installation's salt, in hex."""
    return hmac.new(salt.encode(), email_key.encode(), hashlib.sha256).hexdigest()
