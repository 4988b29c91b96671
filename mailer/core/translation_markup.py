"""What a translation must keep of its source: links, emphasis, code and ``{placeholders}``
(the import's checks, ``mailer.core.translation_units.plan_import``). Pure."""

from __future__ import annotations

import re
from collections import Counter

_PLACEHOLDER = re.compile(r"\{\{?\s*[A-Za-z_][\w.]*\s*\}?\}")
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![*\w])[*_](?=\S)|(?<=\S)[*_](?![*\w])")
_CODE = re.compile(r"`")


def markup_of(text: str) -> Counter[str]:
    """The marks a translation must keep: placeholders, links, bold and italic marks."""
    marks: Counter[str] = Counter()
    marks.update(f"placeholder {m.group(0)}" for m in _PLACEHOLDER.finditer(text))
    marks.update("link" for _ in _LINK.finditer(text))
    bold = _BOLD.findall(text)
    without_bold = _BOLD.sub("", text)
    marks.update({"bold (**…**)": len(bold) // 2} if len(bold) >= 2 else {})
    italic = _ITALIC.findall(without_bold)
    marks.update({"italic (*…*)": len(italic) // 2} if len(italic) >= 2 else {})
    marks.update({"code (`…`)": len(_CODE.findall(text)) // 2} if "`" in text else {})
    return +marks


def _links(text: str) -> list[str]:
    return [m.group(1) for m in _LINK.finditer(text)]


def markup_lost(source: str, target: str) -> list[str]:
    """What of ``source``'s markup ``target`` lost or added, in words (empty: it kept it). A
    lost link is named by where it pointed."""
    have, want = markup_of(target), markup_of(source)
    problems = []
    for mark, n in (want - have).items():
        if mark == "link":
            gone = [url for url in _links(source) if url not in _links(target)] or ["…"]
            problems += [f"lost link to {url}" for url in gone[:n]]
        else:
            problems.append(f"lost {mark}" + (f" ({n}×)" if n > 1 else ""))
    problems += [f"added {mark}" for mark in (have - want)]
    return problems


def links_changed(source: str, target: str) -> list[str]:
    """Link targets the translation points elsewhere (a page in its own language, perhaps):
    ``"https://a → https://b"`` for each, when it keeps the number of links."""
    before, after = _links(source), _links(target)
    if len(before) != len(after):
        return []
    return [f"{a} → {b}" for a, b in zip(before, after, strict=True) if a != b]
