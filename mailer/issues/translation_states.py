"""Translation states of an issue's fields: read them, and keep them as saves change texts.

Every save (editor, API, restore, import of a translator's file) passes here inside its write
transaction (``note_save``): a target written or changed in the save is recorded as a draft of
the current source; a target nobody recorded whose source changes in the save is recorded
against the source it was written for, so it shows as stale. The state itself is computed
(``mailer.core.translation_units.unit_state``), never stored as "stale".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from mailer.core.translation_units import (
    ISSUE,
    Recorded,
    State,
    Unit,
    issue_units,
    languages_of,
    text_hash,
    unit_state,
)
from mailer.db import Connection
from mailer.db import translations as stored
from mailer.errors import InvalidValue


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


def _units(document: Mapping[str, Any], language: str) -> list[Unit]:
    try:
        return issue_units(document, language)[1]
    except InvalidValue:
        return []


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
            for unit in _units(document, language)
        ]
    return out


def needing_work(by_language: Mapping[str, list[FieldState]]) -> dict[str, list[str]]:
    """The fields each language lacks or must have reviewed: ``["items.x.title (stale)"]``."""
    out = {
        language: [f"{f.id} ({f.state})" for f in fields if f.state in {"missing", "stale"}]
        for language, fields in by_language.items()
    }
    return {language: names for language, names in out.items() if names}


def note_save(
    conn: Connection,
    slug: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    *,
    by: str,
    now: datetime,
) -> None:
    """Record what a save from ``before`` to ``after`` did to the issue's translations."""
    recorded = recorded_states(conn, slug)
    for language in languages_of(after)[1:]:
        old = {u.id: u for u in (_units(before, language) if before else [])}
        for unit in _units(after, language):
            was = old.get(unit.id)
            if unit.target.strip() and (was is None or was.target != unit.target):
                source, target = unit.source, unit.target
            elif (
                (language, unit.id) not in recorded
                and was is not None
                and was.target.strip()
                and was.source != unit.source
            ):
                source, target = was.source, was.target
            else:
                continue
            stored.record(
                conn,
                ISSUE,
                slug,
                language,
                unit.id,
                state="draft",
                source_hash=text_hash(source),
                target_hash=text_hash(target),
                by=by,
                now=now,
            )
