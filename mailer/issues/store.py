"""Writing an issue: create, save, restore; reading it: view, list, history, one revision,
diff. Every write is a new revision; none is ever changed or deleted."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from mailer.campaigns import folders
from mailer.core.campaigns import SLUG
from mailer.core.issue_diff import Change, diff_documents
from mailer.core.issue_documents import check_size, text_hash, to_document
from mailer.core.issue_text import IssueText
from mailer.core.issue_workflow import APPROVED_STATES, STARTED_STATES, Actor, require
from mailer.core.languages import Editions
from mailer.core.problems import Problem
from mailer.core.toml_text import to_toml
from mailer.db import Connection
from mailer.db import issues as stored
from mailer.db.translations import note_save
from mailer.errors import Conflict, InvalidValue, NotFound, StaleRevision
from mailer.issues.desk import (
    Desk,
    IssueSummary,
    IssueView,
    Revision,
    RevisionInfo,
    Saved,
    state_of,
    subject_of,
    view_of,
)

APPROVAL_IN_DOCUMENT = (
    "approval is an approver's act in the staff UI, not a value of the document: stored as false"
)


def checked_document(document: object, slug: str) -> tuple[dict[str, Any], list[Problem]]:
    """``document`` as it is stored: JSON-able, ``approved`` false (a save never approves);
    ``InvalidValue`` naming the key a database cannot hold."""
    if not isinstance(document, Mapping):
        raise InvalidValue("document", "must be an object with the keys of campaign.toml")
    checked = to_document(document)
    notes = []
    if checked.get("approved") is True:
        checked["approved"] = False
        notes.append(Problem("warning", f"issue {slug}", "approved", APPROVAL_IN_DOCUMENT))
    return checked, notes


def _text_of(document: Mapping[str, Any], original: str | None) -> str:
    return check_size(to_toml(document, original), "document (as campaign.toml)")


def create_issue(
    desk: Desk,
    slug: str,
    document: Mapping[str, Any],
    *,
    by: Actor,
    now: datetime,
    message: str | None = None,
) -> Saved:
    """A new issue whose revision 1 is ``document``; ``Conflict`` when the slug is taken."""
    require(by, "edit")
    if not SLUG.fullmatch(slug):
        raise InvalidValue("slug", f"{slug!r}: use lower-case letters, digits and hyphens")
    checked, notes = checked_document(document, slug)
    text = _text_of(checked, None)
    with desk.database.write() as conn:
        stored.insert(conn, slug=slug, now=now)
        issue = stored.find(conn, slug, lock=True)
        assert issue is not None
        number = _add(conn, issue, checked, text, by=by, message=message, now=now)
        note_save(conn, slug, None, checked, by=by.email, now=now)
        found = stored.text_of(conn, slug, number, text, checked)
    return Saved(slug, number, "draft", notes + desk.problems(found))


def _add(
    conn: Connection,
    issue: stored.StoredIssue,
    document: Mapping[str, Any],
    text: str,
    *,
    by: Actor,
    message: str | None,
    now: datetime,
) -> int:
    return stored.add_revision(
        conn,
        issue,
        document=document,
        source=text,
        source_hash=text_hash(text),
        author=by.email,
        message=(message or "").strip()[:1000] or None,
        now=now,
    )


def save(
    desk: Desk,
    slug: str,
    document: Mapping[str, Any],
    *,
    base_revision: int,
    by: Actor,
    now: datetime,
    message: str | None = None,
    also: Callable[[Connection], None] | None = None,
) -> Saved:
    """Store ``document`` as the next revision, if ``base_revision`` (the one the person
    started from) is still current: else ``StaleRevision`` carrying the current one, and
    nothing is stored. A draft with lint problems is stored; the problems come back. A save
    of an approved issue makes it a draft again (``returned_to_draft``). ``also`` writes more
    in the same transaction when a new revision is stored."""
    require(by, "edit")
    checked, notes = checked_document(document, slug)
    with desk.database.read() as conn:
        issue = stored.find(conn, slug)
        base = stored.revision(conn, issue.id, base_revision) if issue else None
    if issue is None:
        raise NotFound("issue", slug)
    text = _text_of(checked, base.source if base else None)
    return _store(
        desk,
        slug,
        checked,
        text,
        base_revision,
        by=by,
        now=now,
        message=message,
        notes=notes,
        also=also,
    )


def restore(
    desk: Desk,
    slug: str,
    number: int,
    *,
    by: Actor,
    now: datetime,
    base_revision: int | None = None,
    message: str | None = None,
) -> Saved:
    """Make revision ``number`` current again as a new revision (its exact text); history is
    never rewritten. With ``base_revision``, refused like a save when it is not current."""
    require(by, "edit")
    old = revision(desk, slug, number)
    current = _current_number(desk, slug) if base_revision is None else base_revision
    return _store(
        desk,
        slug,
        dict(old.document),
        old.text,
        current,
        by=by,
        now=now,
        message=message or f"restored revision {number}",
        notes=[],
    )


def _current_number(desk: Desk, slug: str) -> int:
    with desk.database.read() as conn:
        issue = stored.find(conn, slug)
    if issue is None:
        raise NotFound("issue", slug)
    return issue.revision


def _store(
    desk: Desk,
    slug: str,
    document: Mapping[str, Any],
    text: str,
    base_revision: int,
    *,
    by: Actor,
    now: datetime,
    message: str | None,
    notes: list[Problem],
    also: Callable[[Connection], None] | None = None,
) -> Saved:
    with desk.database.write() as conn:
        issue = stored.find(conn, slug, lock=True)
        listed = stored.listed(conn, slug)
        if issue is None or listed is None:
            raise NotFound("issue", slug)
        current = listed.current
        if issue.revision != base_revision:
            raise StaleRevision(
                slug, base=base_revision, current=issue.revision, current_by=current.author
            )
        before = state_of(listed)
        if before in STARTED_STATES:
            raise Conflict(
                f"issue {slug!r} is {before}: its text is frozen since sending started; "
                "make a new issue from it to change it"
            )
        if current.source_hash == text_hash(text):
            number, changed = issue.revision, False
        else:
            number = _add(conn, issue, document, text, by=by, message=message, now=now)
            note_save(conn, slug, current.document, document, by=by.email, now=now)
            if also is not None:
                also(conn)
            changed = True
        after = stored.listed(conn, slug)
        assert after is not None
        found = stored.text_of(conn, slug, number, text, document)
    returned = changed and before in APPROVED_STATES and state_of(after) not in APPROVED_STATES
    return Saved(slug, number, state_of(after), notes + desk.problems(found), returned, changed)


def get_issue(desk: Desk, slug: str) -> IssueView:
    """The issue: slug, state, current revision and its document, lint's problems of the
    document and what the database knows (``check_issue`` runs every check)."""
    with desk.database.read() as conn:
        listed = stored.listed(conn, slug)
        found = stored.read_text(conn, slug) if listed else None
    if listed is None or found is None:
        raise NotFound("issue", slug)
    return view_of(listed, desk.problems(found), found.document)


def check_issue(desk: Desk, slug: str, number: int | None = None) -> list[Problem]:
    """Every lint check of the current revision (or ``number``), variants included: what
    ``mailer campaign lint`` reports, and what submitting and approving require."""
    return desk.problems(campaign_text(desk, slug, number), variants=True)


def list_issues(desk: Desk) -> list[IssueSummary]:
    """Every issue, newest slug first."""
    with desk.database.read() as conn:
        rows = stored.all_listed(conn)
    return [
        IssueSummary(
            row.issue.slug,
            state_of(row),
            row.current.number,
            subject_of(row.current.document),
            row.current.author,
            row.current.created_at,
        )
        for row in rows
    ]


def campaign_text(desk: Desk, slug: str, number: int | None = None) -> IssueText:
    """What the issue says, and the ``Campaign`` it parses to: the current revision, or
    ``number`` (the one path every reader takes: ``mailer.campaigns.folders.stored_issue``)."""
    return folders.stored_issue(desk.database, slug, number)


def editions(desk: Desk) -> Editions | None:
    """The languages issues are written in: the newest usable issue's, with its fallback
    chain; ``None`` before the first issue."""
    for summary in list_issues(desk):
        campaign = campaign_text(desk, summary.slug).campaign
        if campaign is not None:
            return Editions(campaign.languages, campaign.fallback)
    return None


def revisions(desk: Desk, slug: str) -> list[RevisionInfo]:
    """The issue's history, newest first."""
    with desk.database.read() as conn:
        issue = stored.find(conn, slug)
        entries = stored.history(conn, issue.id) if issue else []
    if issue is None:
        raise NotFound("issue", slug)
    return [
        RevisionInfo(e.number, e.author, e.created_at, e.message, e.source_hash) for e in entries
    ]


def revision(desk: Desk, slug: str, number: int) -> Revision:
    """One revision in full; ``NotFound`` when the issue or the revision is not there."""
    with desk.database.read() as conn:
        issue = stored.find(conn, slug)
        found = stored.revision(conn, issue.id, number) if issue else None
    if issue is None:
        raise NotFound("issue", slug)
    if found is None:
        raise NotFound(f"revision of issue {slug}", str(number))
    return Revision(
        slug,
        found.number,
        found.document,
        found.source,
        found.source_hash,
        found.author,
        found.created_at,
        found.message,
    )


def diff(desk: Desk, slug: str, a: int, b: int) -> list[Change]:
    """What changed from revision ``a`` to revision ``b``, per field and language
    (``mailer.core.issue_diff.html_table`` shows one change side by side)."""
    return diff_documents(revision(desk, slug, a).document, revision(desk, slug, b).document)
