"""Two texts marked word by word (difflib), for people who do not read unified diffs: the
text before with what was taken out marked, the text after with what was put in marked."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

_WORDS = re.compile(r"\s+|\w+|[^\w\s]+")  # spaces, words, punctuation
MAX_WORDS = 20_000  # past this a field is shown whole, marked as changed


@dataclass(frozen=True)
class Piece:
    kind: Literal["same", "removed", "added"]
    text: str


def marked(before: str | None, after: str | None) -> tuple[list[Piece], list[Piece]]:
    """``before`` with its removed words marked and ``after`` with its added words marked;
    ``None`` (the field was not there) gives no pieces."""
    old, new = _WORDS.findall(before or ""), _WORDS.findall(after or "")
    if len(old) + len(new) > MAX_WORDS:
        return _whole(before, "removed"), _whole(after, "added")
    left: list[Piece] = []
    right: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(left, "same", old[i1:i2])
            _add(right, "same", new[j1:j2])
            continue
        _add(left, "removed", old[i1:i2])
        _add(right, "added", new[j1:j2])
    return left, right


def _whole(text: str | None, kind: Literal["removed", "added"]) -> list[Piece]:
    return [Piece(kind, text)] if text else []


def _add(pieces: list[Piece], kind: Literal["same", "removed", "added"], words: list[str]) -> None:
    if not words:
        return
    text = "".join(words)
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    else:
        pieces.append(Piece(kind, text))
