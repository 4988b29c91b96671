"""Which language a subscriber reads an issue in: RFC 4647 lookup with fallback chains."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# each language by its own name, as a reader looks for it in a list
AUTONYMS = {
    "en": "English",
    "ru": "Русский",
    "ka": "ქართული",
    "az": "Azərbaycan",
    "ky": "Кыргызча",
    "sr": "Српски",
    "sr-Latn": "Srpski",
    "mk": "Македонски",
    "be": "Беларуская",
    "tk": "Türkmen",
    "uk": "Українська",
    "hy": "Հայերեն",
    "ro": "Română",
    "sq": "Shqip",
    "tr": "Türkçe",
}
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "yi", "ps", "dv", "ug", "ckb"})


def truncations(tag: str) -> list[str]:
    """``sr-Latn-RS`` → ``["sr-Latn-RS", "sr-Latn", "sr"]`` (single-letter subtags dropped)."""
    parts = tag.split("-")
    out = []
    while parts:
        out.append("-".join(parts))
        parts.pop()
        while len(parts) > 1 and len(parts[-1]) == 1:  # "x" or extension singletons
            parts.pop()
    return out


def resolve_language(
    tag: str | None,
    available: Iterable[str],
    *,
    fallback: Mapping[str, str],
    default: str,
) -> str:
    """The best available language for ``tag``.

    Each truncation of the tag is tried in turn, each followed along its fallback chain
    (``sr-Latn`` → ``sr`` → ``ru``), before the default. Comparison ignores case.
    """
    by_key = {language.casefold(): language for language in available}
    chain = {key.casefold(): value for key, value in fallback.items()}
    if tag:
        for candidate in truncations(tag):
            seen: set[str] = set()
            step: str | None = candidate.casefold()
            while step is not None and step not in seen:
                if step in by_key:
                    return by_key[step]
                seen.add(step)
                nxt = chain.get(step)
                step = nxt.casefold() if nxt else None
    return default


def direction(language: str) -> str:
    """``rtl`` for right-to-left scripts, else ``ltr``."""
    primary = language.split("-")[0].casefold()
    return "rtl" if primary in RTL_LANGUAGES or "-arab" in language.casefold() else "ltr"


@dataclass(frozen=True)
class Editions:
    """The languages issues are written in (the newest issue's), and which of them a reader
    of any other language gets: its fallback chain, else its first language."""

    languages: tuple[str, ...]
    fallback: Mapping[str, str]

    def edition_for(self, tag: str | None) -> str:
        return resolve_language(
            tag, self.languages, fallback=self.fallback, default=self.languages[0]
        )

    def note(self, words: Mapping[str, str], reader: str) -> str:
        """The sentence a mail carries: "You will receive the issues in: Русский." or "Issues
        are not yet written in your language (Кыргызча); you will receive them in: Русский.\""""
        edition = self.edition_for(reader)
        if edition.casefold() in {step.casefold() for step in truncations(reader)}:
            return words["edition_same"].format(edition=autonym(edition))
        return words["edition_other"].format(language=autonym(reader), edition=autonym(edition))


def autonym(tag: str) -> str:
    """The language's own name (``ქართული``), or its tag when we do not know it."""
    for candidate in truncations(tag):
        if candidate in AUTONYMS:
            return AUTONYMS[candidate]
    return tag
