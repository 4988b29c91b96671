"""The per-recipient step: a precompiled Jinja2 template that fills only the personal fields.

At campaign level every personal field renders as an opaque token (``X<nonce>X<field>X``,
word characters only, so MJML, premailer and URL handling leave it alone). The finished
message is then cut at those tokens into literal pieces joined with the fields' values, so
nothing staff wrote is ever parsed as template syntax again and each recipient costs a few
microseconds. (The pieces were the constants of a small Jinja2 template, until it showed that
compiling one per variant cost more than all the rest of cutting it, for a join.)
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from markupsafe import escape

from mailer.core.message import MAX_LINE, EightBit, crlf_bytes
from mailer.core.relaxed import Joiner, relaxed_piece

PERSONAL_FIELDS = ("greeting", "name", "email", "unsubscribe_url", "preferences_url", "confirm_url")


@dataclass(frozen=True)
class Placeholders:
    """What the campaign-level render sees as ``recipient``: one token per personal field."""

    nonce: str

    @classmethod
    def fresh(cls) -> Placeholders:
        return cls(secrets.token_hex(6))

    def as_context(self) -> dict[str, str]:
        return {name: self.hole(name) for name in PERSONAL_FIELDS}

    def hole(self, name: str) -> str:
        """The placeholder of one field (``click_3``, ``open_pixel`` are added by tracking)."""
        return f"X{self.nonce}X{name}X"

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(f"X{self.nonce}X([a-z_][a-z0-9_]*)X")


class PersonalTemplate:
    """A finished message body with holes for personal fields, cut once per variant.

    The lint measures every variant (``size_without_fields``) and never fills one: what only
    filling needs is made at the first ``fill``.
    """

    def __init__(self, finished: str, placeholders: Placeholders, *, html: bool) -> None:
        pieces = placeholders.pattern.split(finished)
        literals, fields = pieces[0::2], pieces[1::2]
        self.fields = tuple(dict.fromkeys(fields))
        # our own finished HTML (escaped at campaign level); only the values are escaped here
        self._literals = tuple(literals)
        self.size_without_fields = sum(len(text.encode()) for text in literals)
        self._html = html
        self._order = tuple(fields)

    def render(self, values: Mapping[str, str]) -> str:
        """The body with each field's value in its holes, escaped in HTML; the text part and
        the subject are not HTML (escaping would put &amp; into them). A field missing from
        ``values`` is a KeyError."""
        literals, html = self._literals, self._html
        out = [literals[0]]
        for index, name in enumerate(self._order):
            out.append(str(escape(values[name])) if html else values[name])
            out.append(literals[index + 1])
        return "".join(out)

    @cached_property
    def _body(self) -> _Body:
        return _Body(self._literals)

    def fill(self, values: Mapping[str, str]) -> EightBit | None:
        """``render`` as an 8-bit body: the bytes of ``eight_bit_body(render(values))`` and
        their dot-stuffed form. None when a value holds a line break or makes its line too
        long: the caller then takes the long way (``render``)."""
        body = self._body
        if len(body.room) != len(self._order):
            return None
        pieces, stuffed, room, html = body.pieces, body.stuffed, body.room, self._html
        data, wire = [pieces[0]], [_stuff_start(stuffed[0], True)]
        canonical = Joiner(body.relaxed[0])
        line_start = pieces[0].endswith(b"\r\n") or not pieces[0]  # a part's body starts a line
        used: dict[int, int] = {}
        for index, name in enumerate(self._order):
            value = values[name]
            filled = (escape(value) if html else value).encode("utf-8")
            if b"\n" in filled or b"\r" in filled:
                return None
            line = room[index]
            used[line] = used.get(line, 0) + len(filled)
            data.append(filled)
            wire.append(_stuff_start(filled, line_start))
            canonical.value(filled)
            line_start = line_start and not filled
            piece = pieces[index + 1]
            data.append(piece)
            wire.append(_stuff_start(stuffed[index + 1], line_start))
            canonical.piece(body.relaxed[index + 1])
            line_start = piece.endswith(b"\r\n") or (line_start and not piece)
        lines = body.lines
        if any(lines[line] + extra > MAX_LINE for line, extra in used.items()):
            return None
        return EightBit(b"".join(data), b"".join(wire), canonical.pieces)


class _Body:
    """The 8-bit body's pieces: each literal in UTF-8 with CRLF line ends, and for each hole
    the length of its line without the personal values (RFC 5321: 998 at most)."""

    def __init__(self, literals: tuple[str, ...]) -> None:
        self.pieces = tuple(crlf_bytes(text) for text in literals)
        # dot-stuffed inside each piece; a dot at a piece's start depends on what precedes it
        self.stuffed = tuple(piece.replace(b"\r\n.", b"\r\n..") for piece in self.pieces)
        self.lines = _line_lengths(self.pieces)
        # DKIM's relaxed form of each piece; the last one with the line end that follows a part
        relaxed = [relaxed_piece(piece) for piece in self.pieces[:-1]]
        self.relaxed = (*relaxed, relaxed_piece(self.pieces[-1] + b"\r\n"))
        self.room: tuple[int, ...] = ()
        # a bare CR could join a later LF; a literal line too long is quoted-printable anyway
        if not any("\r" in text for text in literals) and max(self.lines) <= MAX_LINE:
            self.room = _room_per_hole(self.pieces)


def _stuff_start(piece: bytes, line_start: bool) -> bytes:
    return b"." + piece if line_start and piece.startswith(b".") else piece


def _room_per_hole(pieces: tuple[bytes, ...]) -> tuple[int, ...]:
    """For each hole (between piece i and i+1), the index of the line it sits on."""
    holes: list[int] = []
    line = 0
    for piece in pieces[:-1]:
        line += piece.count(b"\r\n")
        holes.append(line)
    return tuple(holes)


def _line_lengths(pieces: tuple[bytes, ...]) -> list[int]:
    lengths = [0]
    for piece in pieces:
        first, *rest = piece.split(b"\r\n")
        lengths[-1] += len(first)
        lengths.extend(len(part) for part in rest)
    return lengths
