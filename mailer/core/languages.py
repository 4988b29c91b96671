"""Which language a subscriber reads an issue in: RFC 4647 lookup with fallback chains."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
