"""Serbian Cyrillic to Latin: the standard one-to-one transliteration (Вук's alphabet to Gaj's).

Each Cyrillic letter has exactly one Latin counterpart; three become two letters (Љ → Lj,
Њ → Nj, Џ → Dž). Latin text, digits, punctuation and markup pass through unchanged, so a text
that mixes scripts (a URL, a name in Latin) keeps what was already Latin. No library does this
table-driven job for Serbian alone without pulling in a whole transliteration framework
(PyICU needs ICU; `transliterate` guesses case per word), so it is written here: 30 letters.
"""

from __future__ import annotations

import re

# the alphabet as a table, eight letters a row: one letter a line would hide it
_LOWER = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž",
    "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip
_TABLE = {**_LOWER, **{k.upper(): v.capitalize() for k, v in _LOWER.items()}}
_DIGRAPH_CAPITALS = re.compile("[ЉЊЏ](?=[А-ЯЂЈЉЊЋЏ])")
_WHOLE = {"Љ": "LJ", "Њ": "NJ", "Џ": "DŽ"}
_TRANSLATE = str.maketrans(_TABLE)


def serbian_latin(text: str) -> str:
    """``Очеви клубови у Кахетији`` → ``Očevi klubovi u Kahetiji``; ``ЉУБАВ`` → ``LJUBAV``.

    A capital digraph letter followed by another capital is written all in capitals (ЉУБАВ →
    LJUBAV); at the start of a word it is a title (Љубав → Ljubav).
    """
    upper = _DIGRAPH_CAPITALS.sub(lambda found: _WHOLE[found.group()], text)
    return upper.translate(_TRANSLATE)


def is_serbian_latin(tag: str) -> bool:
    """``sr-Latn``, ``sr-Latn-RS`` (any case): the Latin edition of Serbian."""
    parts = tag.casefold().split("-")
    return parts[0] == "sr" and "latn" in parts[1:]
