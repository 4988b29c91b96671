"""Translation states of an issue's fields, as the editor and the scheduling gate read them.

Every save records what it wrote (``mailer.db.translations.note_save``, in its transaction);
the state itself is computed (``mailer.core.translation_units.unit_state``), never stored as
"stale".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mailer.core.translation_units import (
    ISSUE,
    Recorded,
    State,
    languages_of,
    unit_state,
    units_or_none,
)
from mailer.db import Connection
from mailer.db import translations as stored


@dataclass(frozen=True)
class FieldState:
    """One field in one target language, as the editor shows it."""

    id: str
    state: State
    source: str
    target: str
    by: str = ""  # who recorded it (wrote, imported or reviewed it)


def recorded_states(conn: Connection, slug: str) -> dict[tuple[str, str], Recorded]:
    """What was recorded of the issue's translations, by (language, unit id)."""
    found: dict[tuple[str, str], Recorded] = {}
    for row in stored.of(conn, ISSUE, slug):
        state: Literal["draft", "reviewed"] = "reviewed" if row.state == "reviewed" else "draft"
        found[(row.language, row.field)] = Recorded(
            state, row.source_hash, row.target_hash, row.updated_by
        )
    return found


def field_states(
    document: Mapping[str, Any], recorded: Mapping[tuple[str, str], Recorded]
) -> dict[str, list[FieldState]]:
    """Each target language's fields (every language but the first) with their states."""
    out: dict[str, list[FieldState]] = {}
    for language in languages_of(document)[1:]:
        out[language] = [
            FieldState(
                unit.id,
                unit_state(unit, recorded.get((language, unit.id))),
                unit.source,
                unit.target,
                getattr(recorded.get((language, unit.id)), "by", ""),
            )
            for unit in units_or_none(document, language)
        ]
    return out


def needing_work(by_language: Mapping[str, list[FieldState]]) -> dict[str, list[str]]:
    """The fields each language lacks or must have reviewed: ``["items.x.title (stale)"]``."""
    out = {
        language: [f"{f.id} ({f.state})" for f in fields if f.state in {"missing", "stale"}]
        for language, fields in by_language.items()
    }
    return {language: names for language, names in out.items() if names}
