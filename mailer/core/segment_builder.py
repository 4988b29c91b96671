"""The audience builder's rules: its drop-down choices written as a segment expression, and
the countries of the network, which every country list offers first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from mailer.core.segments import And, Compare, Segment, render_segment

# The network's countries (DESIGN.md): first in every country list, then the rest by name.
NETWORK_COUNTRIES: Final = ("AZ", "BY", "GE", "KG", "MK", "RS", "TM")


@dataclass(frozen=True)
class Choices:
    """What the builder's drop-downs say; "" means "any"."""

    country: str = ""
    interest: str = ""
    language: str = ""
    list: str = ""
    status: str = "active"


def compose(choices: Choices) -> str:
    """The segment expression of ``choices``, e.g. ``country = GE and interest = fatherhood
    and status = active``; "" when every drop-down says "any"."""
    parts: list[Segment] = [
        Compare(name, "=", value)  # type: ignore[arg-type]  # the names are FieldName literals
        for name, value in (
            ("country", choices.country),
            ("interest", choices.interest),
            ("language", choices.language),
            ("list", choices.list),
            ("status", choices.status),
        )
        if value
    ]
    if not parts:
        return ""
    return render_segment(parts[0] if len(parts) == 1 else And(tuple(parts)))


def network_first(codes: Iterable[str]) -> list[str]:
    """``codes`` with the network's countries first (in NETWORK_COUNTRIES order), then the
    others as given."""
    given = list(dict.fromkeys(codes))
    first = [code for code in NETWORK_COUNTRIES if code in given]
    return first + [code for code in given if code not in NETWORK_COUNTRIES]
