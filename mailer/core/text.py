"""Reading numbers out of outside text (headers, paths, tokens, forms, files).

``str.isdigit`` is true for '²' (which ``int()`` refuses) and for '٣' (which ``int()`` reads
as 3), and ``re``'s ``\\d`` matches any script's digits. Numbers from outside are ASCII digits
only: anything else is not a number, and is answered as such.
"""

from __future__ import annotations

import codecs
import re


def is_ascii_digits(text: str) -> bool:
    """True for one or more of 0-9 and nothing else."""
    return text.isascii() and text.isdigit()


def ascii_int(text: str) -> int | None:
    """The number ``text`` spells in ASCII digits, else ``None``."""
    return int(text) if is_ascii_digits(text) else None


# An encoding's name: what codecs knows (utf-8, cp1251, latin-1, utf_16_le), nothing longer
_ENCODING_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}")


def text_encoding(name: str) -> str | None:
    """The codec ``name`` names when it is a text encoding, else ``None``.

    Not a name at all ("\\x00", which makes ``codecs.lookup`` raise ``ValueError``, spaces,
    other scripts) is answered like an unknown one; so are codecs that are not text encodings
    (``base64``, ``rot13``).
    """
    if not _ENCODING_NAME.fullmatch(name):
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None
