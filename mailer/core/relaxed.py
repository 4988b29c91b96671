"""DKIM's relaxed body canonicalisation (RFC 6376 3.4.4) made once per piece of a template.

A message body is the same literal pieces for every recipient with personal values between
them. Each piece is canonicalised once (tabs and runs of whitespace to one space, none before
a line end); per recipient only the joins are checked: a value that starts or ends with
whitespace, holds a tab or a double space, or an empty value between two whitespace ends
would need a look across pieces, and ``Joiner`` then gives up (the signer canonicalises the
whole body instead).
"""

from __future__ import annotations

import re

_SPACE_RUN = re.compile(rb"  +")


def relaxed_piece(piece: bytes) -> bytes:
    """``piece`` canonicalised as text that continues a line at both ends."""
    piece = piece.replace(b"\t", b" ")
    if b"  " in piece:
        piece = _SPACE_RUN.sub(b" ", piece)
    return piece.replace(b" \r\n", b"\r\n")


class Joiner:
    """The canonical form of a body assembled piece by piece, or None when a join needs more."""

    __slots__ = ("_space", "pieces")

    def __init__(self, first: bytes) -> None:
        self.pieces: list[bytes] | None = [first]
        self._space = first.endswith(b" ")

    def value(self, data: bytes) -> None:
        """A personal value (no line break: the caller checked)."""
        if self.pieces is None or not data:
            return
        if data[:1] in b" \t" or data[-1:] in b" \t" or b"\t" in data or b"  " in data:
            self.pieces = None
            return
        self.pieces.append(data)
        self._space = False

    def piece(self, canonical: bytes) -> None:
        """A literal piece, already through ``relaxed_piece``."""
        if self.pieces is None or not canonical:
            return
        if self._space and canonical[:1] in b" \r":
            self.pieces = None  # a run across the join, or a space before a line end
            return
        self.pieces.append(canonical)
        self._space = canonical.endswith(b" ")
