"""The per-recipient step: a precompiled Jinja2 template that fills only the personal fields.

At campaign level every personal field renders as an opaque token (``X<nonce>X<field>X``,
word characters only, so MJML, premailer and URL handling leave it alone). The finished
message is then cut at those tokens; the literal pieces become constants of a small Jinja2
template that interpolates the fields, so nothing staff wrote is ever parsed as template
syntax again and each recipient costs a few microseconds.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2
from markupsafe import Markup, escape

from mailer.core.message import MAX_LINE, EightBit, crlf_bytes
from mailer.core.relaxed import Joiner, relaxed_piece

PERSONAL_FIELDS = ("greeting", "name", "email", "unsubscribe_url", "preferences_url", "confirm_url")
_HTML_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
# The text part and the subject are not HTML: escaping would put &amp; into them.
_TEXT_ENV = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)  # noqa: S701


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
    """A finished message body with holes for personal fields, compiled once per variant."""

    def __init__(self, finished: str, placeholders: Placeholders, *, html: bool) -> None:
        pieces = placeholders.pattern.split(finished)
        literals, fields = pieces[0::2], pieces[1::2]
        self.fields = tuple(dict.fromkeys(fields))
        source = [f"{{{{ _literal[{i}] }}}}{{{{ {fields[i]} }}}}" for i in range(len(fields))]
        source.append(f"{{{{ _literal[{len(fields)}] }}}}")
        # The literals are our own finished HTML (escaped at campaign level); only the personal
        # values are escaped here.
        constants = [Markup(text) if html else text for text in literals]  # noqa: S704
        env = _HTML_ENV if html else _TEXT_ENV
        self.template = env.from_string("".join(source), globals={"_literal": constants})
        self.size_without_fields = sum(len(text.encode()) for text in literals)
        self._html = html
        self._order = tuple(fields)
        # The 8-bit body, made once: each literal in UTF-8 with CRLF line ends, and for each
        # hole the length of its line without the personal values (RFC 5321: 998 at most).
        self._pieces = tuple(crlf_bytes(text) for text in literals)
        # dot-stuffed inside each piece; a dot at a piece's start depends on what precedes it
        self._stuffed = tuple(piece.replace(b"\r\n.", b"\r\n..") for piece in self._pieces)
        self._lines = _line_lengths(self._pieces)
        # DKIM's relaxed form of each piece; the last one with the line end that follows a part
        relaxed = [relaxed_piece(piece) for piece in self._pieces[:-1]]
        self._relaxed = (*relaxed, relaxed_piece(self._pieces[-1] + b"\r\n"))
        self._room: tuple[int, ...] = ()
        # a bare CR could join a later LF; a literal line too long is quoted-printable anyway
        if not any("\r" in text for text in literals) and max(self._lines) <= MAX_LINE:
            self._room = _room_per_hole(self._pieces)

    def render(self, values: Mapping[str, str]) -> str:
        return self.template.render(values)

    def fill(self, values: Mapping[str, str]) -> EightBit | None:
        """``render`` as an 8-bit body: the bytes of ``eight_bit_body(render(values))`` and
        their dot-stuffed form. None when a value holds a line break or makes its line too
        long: the caller then takes the long way (``render``)."""
        if len(self._room) != len(self._order):
            return None
        pieces, stuffed, room, html = self._pieces, self._stuffed, self._room, self._html
        data, wire = [pieces[0]], [_stuff_start(stuffed[0], True)]
        canonical = Joiner(self._relaxed[0])
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
            canonical.piece(self._relaxed[index + 1])
            line_start = piece.endswith(b"\r\n") or (line_start and not piece)
        lines = self._lines
        if any(lines[line] + extra > MAX_LINE for line, extra in used.items()):
            return None
        return EightBit(b"".join(data), b"".join(wire), canonical.pieces)


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
