"""What an issue's review page shows one person: where the issue stands, every lint problem,
what each language lacks, the comments and review steps, and which acts are open to that
person (four eyes included), each closed one with its reason. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field

from mailer.core.issue_workflow import APPROVED_STATES, Actor, may
from mailer.core.problems import Problem
from mailer.issues.desk import Comment, Desk, IssueView
from mailer.issues.review import comments
from mailer.issues.store import check_issue, get_issue
from mailer.issues.translation_states import needing_work
from mailer.issues.translations import states

PIPELINE = ("draft", "in_review", "approved", "scheduled", "sending", "sent")


@dataclass(frozen=True)
class ReviewSheet:
    issue: IssueView
    errors: list[Problem]
    warnings: list[Problem]
    comments: list[Comment]  # oldest first
    acts: dict[str, bool]  # submit, approve, send_back, schedule, comment, edit: open to them
    closed: dict[str, str] = field(default_factory=dict)  # act: why it is closed (a key)
    approved_before: int | None = None  # a revision approved, then edited: a draft again
    # per language, the fields missing a translation or whose source changed since (stale)
    translations: dict[str, list[str]] = field(default_factory=dict)

    @property
    def step(self) -> int:
        """How far along ``PIPELINE`` the issue is (paused counts as sending)."""
        state = "sending" if self.issue.state == "paused" else self.issue.state
        return PIPELINE.index(state) if state in PIPELINE else len(PIPELINE) - 1


def review_sheet(desk: Desk, slug: str, *, by: Actor) -> ReviewSheet:
    """The review page of ``slug`` as ``by`` sees it."""
    issue = get_issue(desk, slug)
    problems = check_issue(desk, slug)
    said = comments(desk, slug)
    errors = [p for p in problems if p.severity == "error"]
    to_translate = needing_work(states(desk, slug))
    closed: dict[str, str] = {}
    state = issue.state
    is_author = issue.author.casefold() == by.email.casefold()

    def open_if(act: str, role_act: str, states: set[str], *reasons: tuple[bool, str]) -> None:
        if not may(by.role, role_act):
            closed[act] = "role"
        elif state not in states:
            closed[act] = "state"
        else:
            for failed, reason in reasons:
                if failed:
                    closed[act] = reason
                    break

    open_if("submit", "submit for review", {"draft"}, (bool(errors), "lint"))
    open_if(
        "approve",
        "approve",
        {"draft", "in_review"},
        (desk.four_eyes and is_author, "four_eyes"),
        (bool(errors), "lint"),
    )
    open_if("send_back", "send back", {"in_review"})
    open_if(
        "schedule",
        "schedule",
        set(APPROVED_STATES),
        (bool(errors), "lint"),
        (not issue.complete, "incomplete"),
        (bool(to_translate), "translations"),
    )
    open_if("edit", "edit", {"draft", "in_review", "approved", "scheduled"})
    open_if("comment", "comment", set(PIPELINE) | {"paused", "cancelled", "failed"})
    acts = {act: act not in closed for act in ("submit", "approve", "send_back", "schedule")}
    acts |= {act: act not in closed for act in ("edit", "comment")}
    approvals = [c.revision for c in said if c.kind == "approved"]
    approved_before = (
        approvals[-1] if approvals and state == "draft" and approvals[-1] < issue.revision else None
    )
    return ReviewSheet(
        issue,
        errors,
        [p for p in problems if p.severity == "warning"],
        said,
        acts,
        closed,
        approved_before,
        to_translate,
    )
