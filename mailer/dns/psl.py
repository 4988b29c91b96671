"""Organisational domains (RFC 7489 3.2) from the Public Suffix List that ``publicsuffixlist``
ships: no download at run time."""

from __future__ import annotations

from functools import lru_cache

from publicsuffixlist import PublicSuffixList


@lru_cache(maxsize=1)
def _list() -> PublicSuffixList:
    return PublicSuffixList()  # parses the bundled list once (a few milliseconds)


@lru_cache(maxsize=256)
def organisational_domain(domain: str) -> str:
    """``news.example.org`` → ``example.org``; ``a.b.example.co.uk`` → ``example.co.uk``."""
    name = domain.lower().rstrip(".")
    return str(_list().privatesuffix(name) or name)
