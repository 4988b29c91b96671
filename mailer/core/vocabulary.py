"""Interests as a vocabulary: which interest names a segment uses, and the nearest known name
for a mistyped one (``fatherhod`` → ``fatherhood``); the title a reader sees of a list or an
interest in their language."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping

from mailer.core.languages import truncations
from mailer.core.segments import And, Compare, In, Not, Or, Segment
from mailer.core.transliterate import is_serbian_latin, serbian_latin
from mailer.errors import InvalidValue

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


def title_in(titles: Mapping[str, str], language: str, fallback: str = "") -> str:
    """What a reader of ``language`` sees of a word with ``titles`` (by language tag): its own
    title, a truncation's (``sr-Latn-RS`` → ``sr-Latn`` → ``sr``; Latin Serbian transliterated
    from the Cyrillic), the English one, else ``fallback``."""
    latin = is_serbian_latin(language)
    for candidate in truncations(language):
        found = titles.get(candidate, "").strip()
        if found:
            return serbian_latin(found) if latin and not is_serbian_latin(candidate) else found
    return titles.get("en", "").strip() or fallback


def parse_titles(pairs: Iterable[str]) -> dict[str, str]:
    """``["en=Fatherhood", "ka=მამობა"]`` → ``{"en": "Fatherhood", "ka": "მამობა"}``; a pair
    without ``=`` or with an empty side is an ``InvalidValue`` naming it."""
    titles: dict[str, str] = {}
    for pair in pairs:
        tag, sep, title = pair.partition("=")
        if not sep or not tag.strip() or not title.strip():
            raise InvalidValue("title", f"{pair!r} is not LANGUAGE=TITLE (like ka=მამობა)")
        titles[tag.strip()] = " ".join(title.split())
    return titles
