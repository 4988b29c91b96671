"""An issue's approaches: which of them the library has revised since the issue was pinned
to them ("update available"), and taking those revisions with one action.

A reference is pinned when a stored revision of the issue first makes it (``mailer.db.
issue_pins``), so an edit in the library changes no issue by itself. A draft (or an issue in
review) takes the update here; an approved, scheduled or sent issue never does: its approval
names the text its approaches resolved to, and a save makes it a draft first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailer.core.approach_refs import references
from mailer.core.issue_workflow import Actor, require
from mailer.db import Connection, issue_pins
from mailer.db import approaches as library_store
from mailer.db import issues as stored
from mailer.errors import Conflict, NotFound
from mailer.issues.desk import Desk, state_of

TAKES_UPDATES = ("draft", "in_review")


@dataclass(frozen=True)
class ApproachUpdate:
    """An approach the issue uses at ``pinned`` while the library is at ``current``."""

    slug: str
    pinned: int
    current: int
    author: str  # who saved the library's current revision

    def as_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "pinned": self.pinned,
            "current": self.current,
            "author": self.author,
        }


def updates(desk: Desk, slug: str) -> list[ApproachUpdate]:
    """The approaches the issue's current revision refers to whose library revision is newer
    than the one the issue is pinned to, in the order of its items."""
    with desk.database.read() as conn:
        listed = stored.listed(conn, slug)
        if listed is None:
            raise NotFound("issue", slug)
        return _behind(conn, listed)


def _behind(conn: Connection, listed: stored.Listed) -> list[ApproachUpdate]:
    wanted = references(listed.current.document)
    pinned = issue_pins.pins(conn, listed.issue.id)
    current = {a.slug: (a, r) for a, r in library_store.all_current(conn, wanted)}
    out = []
    for name in wanted:
        if name in pinned and name in current and current[name][0].revision > pinned[name]:
            found, revision = current[name]
            out.append(ApproachUpdate(name, pinned[name], found.revision, revision.author))
    return out


def take_updates(
    desk: Desk, slug: str, *, by: Actor, now: datetime, only: list[str] | None = None
) -> list[ApproachUpdate]:
    """Pin the issue's approaches (or those of ``only``) to the library's current revisions:
    what the editor's "update" does. ``Conflict`` unless the issue is a draft or in review
    (an issue in review goes back to draft: what the reviewer saw changed). Returns what
    moved."""
    require(by, "edit")
    with desk.database.write() as conn:
        stored.find(conn, slug, lock=True)
        listed = stored.listed(conn, slug)
        if listed is None:
            raise NotFound("issue", slug)
        state = state_of(listed)
        if state not in TAKES_UPDATES:
            raise Conflict(
                f"issue {slug!r} is {state}: its approaches stay as approved; save a change "
                "to make it a draft, then take the update"
            )
        moved = [u for u in _behind(conn, listed) if only is None or u.slug in only]
        if not moved:
            return []
        issue_pins.repin(conn, listed.issue.id, {u.slug: u.current for u in moved}, now=now)
        stored.resolve_current(
            conn,
            listed.issue.id,
            slug=slug,
            number=listed.current.number,
            document=listed.current.document,
            source=listed.current.source,
        )
        if state == "in_review":
            stored.set_review(conn, listed.issue.id, "draft", now=now)
    return moved
