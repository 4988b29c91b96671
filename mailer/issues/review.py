"""Review and approval, four eyes: submit for review, approve one revision, send back with a
comment, comment, schedule. Each checks the person's role first (``NotAllowed``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from mailer.campaigns import lifecycle
from mailer.core.issue_documents import missing_by_language
from mailer.core.issue_text import IssueText
from mailer.core.issue_workflow import (
    APPROVED_STATES,
    BY_FILE,
    Actor,
    require,
    require_four_eyes,
)
from mailer.db import Connection, issue_comments
from mailer.db import issues as stored
from mailer.db.issues import Listed
from mailer.errors import Conflict, InvalidValue, NotFound, StaleRevision
from mailer.issues.desk import Comment, Desk, state_of
from mailer.issues.store import campaign_text
from mailer.issues.translation_states import field_states, needing_work, recorded_states

MAX_COMMENT = 10_000


def _listed(conn: Connection, slug: str, *, lock: bool = False) -> Listed:
    if lock:
        stored.find(conn, slug, lock=True)
    listed = stored.listed(conn, slug)
    if listed is None:
        raise NotFound("issue", slug)
    return listed


def _current(listed: Listed, revision: int | None) -> None:
    """``StaleRevision`` when the person acts on a revision that is no longer current."""
    if revision is not None and revision != listed.current.number:
        raise StaleRevision(
            listed.issue.slug,
            base=revision,
            current=listed.current.number,
            current_by=listed.current.author,
        )


def _lint_clean(desk: Desk, issue: IssueText, act: str) -> None:
    errors = [p for p in desk.problems(issue, variants=True) if p.severity == "error"]
    if errors:
        listed = "; ".join(f"{p.key}: {p.message}" if p.key else p.message for p in errors[:3])
        raise Conflict(
            f"issue {issue.slug!r} has {len(errors)} lint error(s); fix them before you {act} "
            f"it: {listed}"
        )


def submit_for_review(
    desk: Desk, slug: str, *, by: Actor, now: datetime, revision: int | None = None
) -> str:
    """Ask an approver to look at the current revision (``revision``, when given, must be
    it). Only a draft without lint errors goes to review. Returns the new state."""
    require(by, "submit for review")
    issue = campaign_text(desk, slug)
    _lint_clean(desk, issue, "submit")
    with desk.database.write() as conn:
        listed = _listed(conn, slug, lock=True)
        _current(listed, revision if revision is not None else issue.revision)
        state = state_of(listed)
        if state != "draft":
            raise Conflict(f"issue {slug!r} is {state}; only a draft is submitted for review")
        stored.set_review(conn, listed.issue.id, "in_review", now=now)
        _note(conn, listed, "submitted", by, "", now)
    return "in_review"


def approve(desk: Desk, slug: str, revision: int, *, by: Actor, now: datetime) -> str:
    """Approve exactly ``revision`` (by its text's hash), which must be current and lint
    clean. ``NotAllowed`` for a role below approver, and (four eyes) for whoever saved that
    revision. A later save makes the issue a draft again. Returns the new state."""
    require(by, "approve")
    with desk.database.write() as conn:  # each referenced approach pinned before the checks
        stored.pin_references(conn, slug, now=now)
    issue = campaign_text(desk, slug)
    with desk.database.read() as conn:
        listed = _listed(conn, slug)
    _current(listed, revision)
    require_four_eyes(by, listed.current.author, revision, four_eyes=desk.four_eyes)
    state = state_of(listed)
    if state not in {"draft", "in_review"}:
        raise Conflict(f"issue {slug!r} is {state}; only a draft or an issue in review is approved")
    _lint_clean(desk, issue, "approve")
    with desk.database.write() as conn:
        listed = _listed(conn, slug, lock=True)
        _current(listed, revision)  # nobody saved while lint ran
        found = stored.read_text(conn, slug)
        if found is None or found.hash != issue.hash:
            raise Conflict(f"issue {slug!r}: its approaches were updated while it was checked")
        # the text with its approaches resolved at their pins: what is approved and sent
        lifecycle.record_approval(conn, slug, found.text, by=by.email, now=now)
        stored.set_review(conn, listed.issue.id, "draft", now=now)  # what a later save returns to
        _note(conn, listed, "approved", by, "", now)
    return "approved"


def send_back(desk: Desk, slug: str, *, by: Actor, comment: str, now: datetime) -> str:
    """Return an issue in review to its authors as a draft, saying what to change."""
    require(by, "send back")
    body = _comment_text(comment)
    with desk.database.write() as conn:
        listed = _listed(conn, slug, lock=True)
        state = state_of(listed)
        if state != "in_review":
            raise Conflict(f"issue {slug!r} is {state}; only an issue in review is sent back")
        stored.set_review(conn, listed.issue.id, "draft", now=now)
        _note(conn, listed, "sent_back", by, body, now)
    return "draft"


def comment(
    desk: Desk, slug: str, body: str, *, by: Actor, now: datetime, revision: int | None = None
) -> Comment:
    """Keep a comment with a revision (the current one unless ``revision`` names another)."""
    require(by, "comment")
    text = _comment_text(body)
    with desk.database.write() as conn:
        listed = _listed(conn, slug)
        number = listed.current.number if revision is None else revision
        if stored.revision(conn, listed.issue.id, number) is None:
            raise NotFound(f"revision of issue {slug}", str(number))
        issue_comments.add(
            conn,
            listed.issue.id,
            revision=number,
            kind="comment",
            author=by.email,
            body=text,
            now=now,
        )
    return Comment(number, "comment", by.email, text, now)


def comments(desk: Desk, slug: str, revision: int | None = None) -> list[Comment]:
    """The comments and review steps of an issue (of one revision when given), oldest first."""
    with desk.database.read() as conn:
        issue = stored.find(conn, slug)
        found = issue_comments.of_issue(conn, issue.id, revision) if issue else []
    if issue is None:
        raise NotFound("issue", slug)
    return [Comment(c.revision, c.kind, c.author, c.body, c.created_at) for c in found]


def schedule(
    desk: Desk,
    slug: str,
    *,
    send_at: datetime,
    by: Actor,
    now: datetime,
    force_preflight: bool = False,
    period_confirmed: bool = False,
) -> str:
    """Schedule the approved issue to go out at ``send_at`` (naive UTC). It must be lint
    clean and every language in ``languages`` complete; preflight must pass unless the
    approver forces it (recorded); a date outside the issue's ``period`` needs
    ``period_confirmed`` (else ``PeriodMismatch``). Returns the new state."""
    require(by, "schedule")
    issue = campaign_text(desk, slug)
    with desk.database.read() as conn:
        listed = _listed(conn, slug)
    state = state_of(listed)
    if state not in APPROVED_STATES:
        raise Conflict(f"issue {slug!r} is {state}; approve it before it is scheduled")
    _lint_clean(desk, issue, "schedule")
    lacking = {lang: keys for lang, keys in missing_by_language(issue.document).items() if keys}
    if lacking:
        listed_keys = "; ".join(f"{lang}: {', '.join(keys[:3])}" for lang, keys in lacking.items())
        raise Conflict(f"issue {slug!r} is not complete in every language: {listed_keys}")
    with desk.database.read() as conn:
        recorded = recorded_states(conn, slug)
    if stale := needing_work(field_states(issue.document, recorded)):
        named = "; ".join(f"{lang}: {', '.join(keys)}" for lang, keys in stale.items())
        raise Conflict(
            f"issue {slug!r} has translations to write or review before it is scheduled "
            f"(mark each reviewed in the editor): {named}"
        )
    campaign = replace(issue.valid_campaign(), approved=False)  # only stored approvals count
    if listed.campaign_state not in APPROVED_STATES or listed.approved_hash != issue.hash:
        lifecycle.approve(desk.database, campaign, issue.text, by=BY_FILE, now=now)
    report = desk.preflight(issue) if desk.preflight is not None else None
    return lifecycle.schedule(
        desk.database,
        campaign,
        issue.text,
        send_at=send_at,
        by=by.email,
        now=now,
        preflight=report,
        forced_by=by.email if force_preflight else None,
        period_confirmed=period_confirmed,
    )


def _comment_text(body: str) -> str:
    text = body.strip()
    if not text:
        raise InvalidValue("comment", "is empty: say what should change")
    if len(text) > MAX_COMMENT:
        raise InvalidValue("comment", f"is {len(text)} characters; at most {MAX_COMMENT}")
    return text


def _note(conn: Connection, listed: Listed, kind: str, by: Actor, body: str, now: datetime) -> None:
    issue_comments.add(
        conn,
        listed.issue.id,
        revision=listed.current.number,
        kind=kind,
        author=by.email,
        body=body,
        now=now,
    )
