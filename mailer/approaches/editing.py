"""What the staff approach editor calls: save, or tell the person their save is stale and
how the current revision differs from their text (kept, never dropped), like the issue
editor's ``mailer.issues.editing``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailer.approaches.store import (
    ApproachSaved,
    approach_revision,
    get_approach,
    save_approach,
)
from mailer.core.issue_diff import Change, diff_documents
from mailer.core.issue_documents import as_stored, to_document
from mailer.core.issue_workflow import Actor
from mailer.db import Database
from mailer.errors import NotFound, StaleRevision


@dataclass(frozen=True)
class ApproachConflict:
    """A stale save: the revision now current, who saved it and when, and each field where
    it and the person's text differ (``before`` theirs, ``after`` the person's)."""

    slug: str
    base: int
    current: int
    author: str
    saved_at: datetime
    changes: list[Change]


def save_or_conflict(
    database: Database,
    slug: str,
    document: Mapping[str, Any],
    *,
    base_revision: int,
    by: Actor,
    now: datetime,
    message: str | None = None,
) -> ApproachSaved | ApproachConflict:
    """``save_approach``, or an ``ApproachConflict`` when ``base_revision`` is no longer
    current (nothing is stored; saving again with ``current`` as the base keeps the
    person's text over theirs). What differs from the base revision only as a form says it
    (``as_stored``: the whitespace around a text) keeps the base's."""
    try:
        base = approach_revision(database, slug, base_revision).document
    except NotFound:
        base = {}
    document = as_stored(document, base)
    try:
        return save_approach(
            database, slug, document, base_revision=base_revision, by=by, now=now, message=message
        )
    except StaleRevision as stale:
        current = get_approach(database, slug)
        changes = diff_documents(current.document, to_document(document))
        return ApproachConflict(
            slug, stale.base, current.revision, current.author, current.saved_at, changes
        )
