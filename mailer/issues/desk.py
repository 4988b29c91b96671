"""What the issue use cases need (``Desk``) and what they answer (views of issues)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mailer.campaigns.lint import lint_campaign
from mailer.core.campaigns import Campaign
from mailer.core.issue_documents import missing_by_language
from mailer.core.issue_text import IssueText
from mailer.core.issue_workflow import APPROVED_STATES, BY_FILE, issue_state
from mailer.core.preflight import Report
from mailer.core.problems import Problem
from mailer.db import Database
from mailer.db.issues import Listed
from mailer.render.compose import Composer


@dataclass(frozen=True)
class Desk:
    """The database, how to compose an issue (for lint), the four-eyes setting and the
    preflight gate; ``App.issue_desk()`` builds one from the settings."""

    database: Database
    make_composer: Callable[[Campaign], Composer]
    four_eyes: bool = True
    preflight: Callable[[IssueText], Report | None] | None = None
    series_dir: Path | None = None  # paths.campaigns: lint compares events with a series' time

    def problems(self, issue: IssueText, *, variants: bool = False) -> list[Problem]:
        """Lint's problems (``mailer.campaigns.lint``): without ``variants`` only those of the
        document and what the database knows (fast enough for every save)."""
        return lint_campaign(
            issue,
            self.database,
            self.make_composer,
            variants=variants,
            series_dir=self.series_dir,
        )


def problem_json(problem: Problem) -> dict[str, str]:
    return {"severity": problem.severity, "key": problem.key, "message": problem.message}


@dataclass(frozen=True)
class Saved:
    """The answer to a save: the revision now current and lint's problems with it."""

    slug: str
    revision: int
    state: str
    problems: list[Problem] = field(default_factory=list)
    returned_to_draft: bool = False  # it was approved (or scheduled): now a draft again
    changed: bool = True  # False: the text was the current revision's; nothing was stored

    def as_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "revision": self.revision,
            "state": self.state,
            "changed": self.changed,
            "returned_to_draft": self.returned_to_draft,
            "problems": [problem_json(p) for p in self.problems],
        }


@dataclass(frozen=True)
class IssueView:
    """One issue as the editor shows it: its current revision and where it stands."""

    slug: str
    state: str  # draft | in_review | approved | scheduled | sending | paused | sent | ...
    revision: int
    document: Mapping[str, Any]
    problems: list[Problem]
    text: str  # the campaign.toml of the current revision
    author: str  # who saved the current revision
    saved_at: datetime
    message: str | None
    approved_by: str | None = None  # while approved or scheduled: who approved this text
    approved_at: datetime | None = None
    send_at: datetime | None = None  # naive UTC, when scheduled
    missing: dict[str, list[str]] = field(default_factory=dict)  # per language, what it lacks

    @property
    def complete(self) -> bool:
        """Every language of ``languages`` has all its text."""
        return not any(self.missing.values())

    def as_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "state": self.state,
            "revision": self.revision,
            "document": dict(self.document),
            "problems": [problem_json(p) for p in self.problems],
        }


@dataclass(frozen=True)
class IssueSummary:
    """One line of the list of issues."""

    slug: str
    state: str
    revision: int
    subject: str  # in the issue's first language; "" when there is none yet
    author: str
    saved_at: datetime


@dataclass(frozen=True)
class RevisionInfo:
    """One line of an issue's history."""

    number: int
    author: str
    saved_at: datetime
    message: str | None
    hash: str


@dataclass(frozen=True)
class Revision:
    """One revision in full."""

    slug: str
    number: int
    document: Mapping[str, Any]
    text: str
    hash: str
    author: str
    saved_at: datetime
    message: str | None


@dataclass(frozen=True)
class Comment:
    revision: int
    kind: str  # comment | submitted | sent_back | approved
    author: str
    body: str
    at: datetime


def state_of(listed: Listed) -> str:
    return issue_state(
        listed.issue.review,
        listed.campaign_state,
        listed.approved_hash,
        listed.current_hash,
        listed.issue.file_approval,
    )


def approval_of(listed: Listed) -> tuple[str | None, datetime | None]:
    """Who approved the current text and when, while it is approved or scheduled."""
    if state_of(listed) not in APPROVED_STATES:
        return None, None
    if listed.campaign_state in APPROVED_STATES and listed.approved_hash == listed.current_hash:
        return listed.approved_by, listed.approved_at
    return BY_FILE, listed.current.created_at


def subject_of(document: Mapping[str, Any]) -> str:
    languages, content = document.get("languages"), document.get("content")
    if not isinstance(languages, list) or not languages or not isinstance(content, Mapping):
        return ""
    first = content.get(languages[0])
    subject = first.get("subject") if isinstance(first, Mapping) else None
    return subject if isinstance(subject, str) else ""


def view_of(
    listed: Listed, problems: list[Problem], resolved: Mapping[str, Any] | None = None
) -> IssueView:
    """The view of ``listed``; ``resolved`` is its document with its approaches resolved
    (what each language lacks is counted on it)."""
    approved_by, approved_at = approval_of(listed)
    state = state_of(listed)
    current = listed.current
    return IssueView(
        slug=listed.issue.slug,
        state=state,
        revision=current.number,
        document=current.document,
        problems=problems,
        text=current.source,
        author=current.author,
        saved_at=current.created_at,
        message=current.message,
        approved_by=approved_by,
        approved_at=approved_at,
        send_at=listed.send_at if state == "scheduled" else None,
        missing=missing_by_language(current.document if resolved is None else resolved),
    )
