"""Finding approaches in the library: text search in any language, ignoring case and accents
("skopje" finds "Скопје"? no: it finds "Skópje"; "отцов" finds "Отцов"), and the filters of
the library page and the issue editor's drawer. Pure: the caller gives the documents."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mailer.core.approaches import TEXT_FIELDS

SEARCHED = ("title", "summary")


def fold(text: str) -> str:
    """``text`` for comparing: case folded, accents and other marks dropped (NFKD), spaces
    collapsed. "Škola" and "skola" fold the same; so do "Ёлка" and "елка"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def haystack(document: Mapping[str, Any]) -> str:
    """Everything a search looks in: the organisation and every language's title and summary."""
    parts = [str(document.get("organisation") or "")]
    content = document.get("content")
    for entry in content.values() if isinstance(content, Mapping) else []:
        if isinstance(entry, Mapping):
            parts.extend(str(entry.get(key) or "") for key in SEARCHED)
    return fold(" \n ".join(parts))


def matches(document: Mapping[str, Any], query: str) -> bool:
    """Every word of ``query`` occurs in the approach's text (any language)."""
    words = fold(query).split()
    text = haystack(document)
    return all(word in text for word in words)


def languages_of(document: Mapping[str, Any]) -> list[str]:
    content = document.get("content")
    return [str(k) for k in content] if isinstance(content, Mapping) else []


def complete_in(document: Mapping[str, Any], language: str) -> bool:
    """The approach has a title and a summary in ``language`` (and alt text for its image)."""
    content = document.get("content")
    entry = content.get(language) if isinstance(content, Mapping) else None
    if not isinstance(entry, Mapping):
        return False
    needed = [k for k in TEXT_FIELDS if k != "image_alt" or document.get("image")]
    return all(isinstance(entry.get(k), str) and entry[k].strip() for k in needed)


def strings(document: Mapping[str, Any], key: str) -> list[str]:
    values = document.get(key)
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


@dataclass(frozen=True)
class LibraryFilter:
    """What the library page (or the drawer) asks for; empty means "any"."""

    query: str = ""
    country: str = ""
    interest: str = ""
    organisation: str = ""
    complete: tuple[str, ...] = ()  # complete in every one of these languages
    state: str = ""  # draft | published | archived
    kind: str = ""  # approach | event | call
    never_featured: bool = False

    def keeps(self, document: Mapping[str, Any], *, featured: bool) -> bool:
        """Whether an approach with ``document`` (``featured``: some sent issue showed it)
        passes every filter given."""
        if self.never_featured and featured:
            return False
        if self.query and not matches(document, self.query):
            return False
        if self.country and self.country.upper() not in [
            c.upper() for c in strings(document, "countries")
        ]:
            return False
        if self.interest and fold(self.interest) not in [
            fold(i) for i in strings(document, "interests")
        ]:
            return False
        organisation = str(document.get("organisation") or "")
        if self.organisation and fold(self.organisation) != fold(organisation):
            return False
        if self.state and str(document.get("state", "draft")) != self.state:
            return False
        if self.kind and str(document.get("kind", "approach")) != self.kind:
            return False
        return all(complete_in(document, language) for language in self.complete)
