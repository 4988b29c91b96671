"""Interests as a vocabulary: which interest names a segment uses, and the nearest known name
for a mistyped one (``fatherhod`` → ``fatherhood``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from mailer.core.segments import And, Compare, In, Not, Or, Segment

CLOSE_ENOUGH = 0.75  # difflib's ratio: one typo in a ten-letter word is 0.9


def interests_in(segment: Segment) -> Iterator[str]:
    """Every interest name ``segment`` compares with, in the order written."""
    if isinstance(segment, Compare):
        if segment.field == "interest":
            yield str(segment.value)
    elif isinstance(segment, In):
        if segment.field == "interest":
            yield from (str(value) for value in segment.values)
    elif isinstance(segment, Not):
        yield from interests_in(segment.operand)
    elif isinstance(segment, And | Or):
        for operand in segment.operands:
            yield from interests_in(operand)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'fatherhood'?"`` for the closest known name, or ``""``."""
    found = difflib.get_close_matches(name, sorted(known), n=1, cutoff=CLOSE_ENOUGH)
    return f"; did you mean {found[0]!r}?" if found else ""
