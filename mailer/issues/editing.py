"""Saving from the editor page: a save, or, when someone saved since the person's base
revision, what the conflict panel shows (their revision against the person's draft, field by
field), with nothing stored. The person's text is never dropped: it comes back with the
conflict so the page keeps it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mailer.core.issue_diff import Change, diff_documents
from mailer.core.issue_documents import as_stored
from mailer.core.issue_workflow import Actor
from mailer.errors import NotFound, StaleRevision
from mailer.issues.desk import Desk, IssueView, Saved
from mailer.issues.drafts import Choices, choices
from mailer.issues.library import ApproachUpdate, updates
from mailer.issues.review import submit_for_review
from mailer.issues.store import checked_document, get_issue, revision, save
from mailer.render.templates import TemplateSet


@dataclass(frozen=True)
class Conflicting:
    """A stale save: the revision now current, who saved it and when, and each field where
    it and the person's draft differ (``before`` theirs, ``after`` the person's)."""

    slug: str
    base: int  # the revision the person started from
    current: int
    author: str
    saved_at: datetime
    changes: list[Change]
    theirs: Mapping[str, Any]

    def as_json(self) -> dict[str, object]:
        return {
            "conflict": True,
            "base": self.base,
            "current": self.current,
            "author": self.author,
            "saved_at": f"{self.saved_at:%Y-%m-%d %H:%M} UTC",
            "changes": [
                {"field": c.field, "language": c.language, "theirs": c.before, "yours": c.after}
                for c in self.changes
            ],
        }


def save_draft(
    desk: Desk,
    slug: str,
    document: Mapping[str, Any],
    *,
    base_revision: int,
    by: Actor,
    now: datetime,
    message: str | None = None,
) -> Saved | Conflicting:
    """``save``, or ``Conflicting`` when ``base_revision`` is no longer current (nothing is
    stored; the person saves over theirs by saving again with ``current`` as the base). What
    differs from the base revision only as a form says it (``as_stored``) keeps the base's."""
    try:
        base = revision(desk, slug, base_revision).document
    except NotFound:
        base = {}
    document = as_stored(document, base)
    try:
        return save(
            desk, slug, document, base_revision=base_revision, by=by, now=now, message=message
        )
    except StaleRevision as stale:
        current = get_issue(desk, slug)
        mine, _ = checked_document(document, slug)
        return Conflicting(
            slug,
            stale.base,
            current.revision,
            current.author,
            current.saved_at,
            diff_documents(current.document, mine),
            current.document,
        )


def save_and_submit(
    desk: Desk,
    slug: str,
    document: Mapping[str, Any],
    *,
    base_revision: int,
    by: Actor,
    now: datetime,
) -> Saved | Conflicting:
    """Save the draft (nothing new when it is the current text), then submit that revision
    for review; ``Conflicting`` as ``save_draft``, and lint's refusal as ``submit_for_review``
    raises it (the save stands)."""
    saved = save_draft(desk, slug, document, base_revision=base_revision, by=by, now=now)
    if isinstance(saved, Saved):
        submit_for_review(desk, slug, by=by, now=now, revision=saved.revision)
    return saved


@dataclass(frozen=True)
class Editing:
    """What the editor page draws: the issue, the pick lists, and the approaches the library
    has revised since the issue was pinned to them ("update available")."""

    issue: IssueView
    choices: Choices
    updates: list[ApproachUpdate] = field(default_factory=list)


def open_editor(desk: Desk, slug: str, templates: TemplateSet) -> Editing:
    """The issue's current revision and what its pick lists offer; ``NotFound`` else."""
    return Editing(get_issue(desk, slug), choices(desk, templates), updates(desk, slug))
