"""``/api/v1/issues``: issues as stored (``mailer.issues``), read and written as JSON.

The document is the campaign.toml data with the file's keys. Every answer about one issue
carries ``ETag: "<revision>"``; a ``PUT`` must send it back in ``If-Match`` (428 without, 412
with the current revision in the body when someone saved since). A draft with lint problems
saves; the problems come back in ``"problems"``. Approving stays a person's act in the staff UI.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from mailer import issues
from mailer.access.api_tokens import ApiToken
from mailer.app import App
from mailer.errors import StaleRevision
from mailer.web.api.auth import PREFIX, needs
from mailer.web.api.errors import ApiError, ErrorBody, responses
from mailer.web.api.models import Name, Strict
from mailer.web.api.revisions import IfMatch, base_revision, etag
from mailer.web.context import AppDep


class LintProblem(BaseModel):
    severity: str = Field(description="`error` (blocks review and sending) or `warning`.")
    key: str = Field(description="Where in the document, e.g. `content.ka.subject`.")
    message: str


class Issue(BaseModel):
    slug: str
    state: str = Field(
        description="`draft`, `in_review`, `approved`, `scheduled`, `sending`, `paused`, "
        "`sent`, `cancelled` or `failed`."
    )
    revision: int = Field(description="The current revision; also the `ETag`.")
    document: dict[str, Any] = Field(description="The campaign.toml data, the file's keys.")
    problems: list[LintProblem]


class IssueLine(BaseModel):
    slug: str
    state: str
    revision: int
    subject: str = Field(description="In the issue's first language; empty when there is none.")
    author: str = Field(description="Who saved the current revision.")
    saved_at: datetime


class IssueCreate(Strict):
    slug: Name = Field(description="Lower-case letters, digits and hyphens, e.g. `2027-01-digest`.")
    document: dict[str, Any]
    message: Annotated[str, Field(max_length=1000)] | None = None


class IssueSave(Strict):
    document: dict[str, Any]
    message: Annotated[str, Field(max_length=1000)] | None = Field(
        None, description="Kept in the history beside the revision."
    )


class SaveResult(BaseModel):
    slug: str
    revision: int = Field(description="The revision now current; also the `ETag`.")
    state: str
    changed: bool = Field(description="False when the document was the current one's.")
    returned_to_draft: bool = Field(description="It was approved; the save made it a draft.")
    problems: list[LintProblem]


class RevisionLine(BaseModel):
    number: int
    author: str
    saved_at: datetime
    message: str | None
    hash: str = Field(description="SHA-256 of the revision's campaign.toml text.")


class RevisionFull(RevisionLine):
    slug: str
    document: dict[str, Any]


class StaleBody(ErrorBody):
    revision: int = Field(description="The current revision (send it as `If-Match`).")
    current_by: str = Field(description="Who saved the current revision.")
    current: Issue = Field(description="The current revision in full.")


router = APIRouter(prefix=PREFIX, tags=["issues"])
READ, WRITE = needs("issues:read"), needs("issues:write")


def actor(token: ApiToken) -> issues.Actor:
    """A token writes as an editor named after it: it drafts, never approves."""
    return issues.Actor(f"api:{token.name}", "editor")


def _issue(view: issues.IssueView) -> Issue:
    return Issue.model_validate(view.as_json())


def stale(app: App, refused: StaleRevision) -> ApiError:
    current = issues.get_issue(app.issue_desk(), refused.slug)
    body = {
        "error": str(refused),
        "revision": current.revision,
        "current_by": current.author,
        "current": _issue(current).model_dump(mode="json"),
    }
    return ApiError(412, body, {"ETag": etag(current.revision)})


Slug = Annotated[Name, Field(description="The issue's slug, e.g. `2027-01-digest`.")]


@router.get("/issues", response_model=list[IssueLine], responses=responses(401, 403))
def every_issue(app: AppDep, token: ApiToken = READ) -> list[IssueLine]:
    """Every issue with its state and current revision, newest slug first.

    Scope: `issues:read`."""
    return [
        IssueLine(
            slug=line.slug,
            state=line.state,
            revision=line.revision,
            subject=line.subject,
            author=line.author,
            saved_at=line.saved_at,
        )
        for line in issues.list_issues(app.issue_desk())
    ]


@router.post(
    "/issues",
    status_code=201,
    response_model=Issue,
    responses=responses(401, 403, 409, 413, 422),
)
def create(body: IssueCreate, app: AppDep, response: Response, token: ApiToken = WRITE) -> Issue:
    """A new issue whose revision 1 is `document` (lint problems do not stop it; they come
    back in `problems`); 409 when the slug is taken. Scope: `issues:write`."""
    desk = app.issue_desk()
    saved = issues.create_issue(
        desk, body.slug, body.document, by=actor(token), now=app.clock(), message=body.message
    )
    response.headers["ETag"] = etag(saved.revision)
    response.headers["Location"] = f"{PREFIX}/issues/{saved.slug}"
    made = SaveResult.model_validate(saved.as_json())
    view = issues.get_issue(desk, saved.slug)
    return Issue(
        slug=view.slug,
        state=view.state,
        revision=view.revision,
        document=dict(view.document),
        problems=made.problems,  # with what the save changed (an `approved` it ignored)
    )


@router.get("/issues/{slug}", response_model=Issue, responses=responses(401, 403, 404))
def one_issue(slug: Slug, app: AppDep, response: Response, token: ApiToken = READ) -> Issue:
    """The issue: state, current revision, document and lint's problems of it, with
    `ETag: "<revision>"`. Scope: `issues:read`."""
    view = issues.get_issue(app.issue_desk(), slug)
    response.headers["ETag"] = etag(view.revision)
    return _issue(view)


@router.put(
    "/issues/{slug}",
    response_model=SaveResult,
    responses={
        **responses(401, 403, 404, 409, 413, 422),
        412: {"model": StaleBody, "description": "Someone saved since; nothing was stored."},
        428: {"model": ErrorBody, "description": "No `If-Match`; nothing was stored."},
    },
)
def save(
    slug: Slug,
    body: IssueSave,
    app: AppDep,
    response: Response,
    if_match: IfMatch = None,
    token: ApiToken = WRITE,
) -> SaveResult:
    """Save `document` as the next revision, if the revision in `If-Match` is still the
    current one: else 412 with the current revision, and nothing stored. A draft with lint
    problems saves; they come back in `problems`. A save of an approved issue makes it a
    draft again (`returned_to_draft`). Scope: `issues:write`."""
    base = base_revision(if_match)
    try:
        saved = issues.save(
            app.issue_desk(),
            slug,
            body.document,
            base_revision=base,
            by=actor(token),
            now=app.clock(),
            message=body.message,
        )
    except StaleRevision as refused:
        raise stale(app, refused) from refused
    response.headers["ETag"] = etag(saved.revision)
    return SaveResult.model_validate(saved.as_json())


@router.get(
    "/issues/{slug}/revisions",
    response_model=list[RevisionLine],
    responses=responses(401, 403, 404),
)
def history(slug: Slug, app: AppDep, token: ApiToken = READ) -> list[RevisionLine]:
    """Every revision of the issue, newest first. Scope: `issues:read`."""
    return [
        RevisionLine(
            number=r.number, author=r.author, saved_at=r.saved_at, message=r.message, hash=r.hash
        )
        for r in issues.revisions(app.issue_desk(), slug)
    ]


@router.get(
    "/issues/{slug}/revisions/{number}",
    response_model=RevisionFull,
    responses=responses(401, 403, 404, 422),
)
def one_revision(
    slug: Slug,
    number: Annotated[int, Path(ge=1, le=10**9, description="Revisions count from 1.")],
    app: AppDep,
    token: ApiToken = READ,
) -> RevisionFull:
    """One revision in full. Scope: `issues:read`."""
    found = issues.revision(app.issue_desk(), slug, number)
    return RevisionFull(
        slug=found.slug,
        number=found.number,
        author=found.author,
        saved_at=found.saved_at,
        message=found.message,
        hash=found.hash,
        document=dict(found.document),
    )


@router.get(
    "/issues/{slug}/campaign.toml",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {}}, "description": "The campaign.toml text."},
        **responses(401, 403, 404, 422),
    },
)
def campaign_toml(
    slug: Slug,
    app: AppDep,
    revision: Annotated[
        int | None, Query(ge=1, le=10**9, description="Default: the current one.")
    ] = None,
    token: ApiToken = READ,
) -> PlainTextResponse:
    """The revision's campaign.toml, the text `mailer campaign lint` and
    `mailer campaign import` read, with `ETag: "<revision>"`. Scope: `issues:read`."""
    found = issues.campaign_text(app.issue_desk(), slug, revision)
    return PlainTextResponse(
        found.source_text,  # with its approach references, as a folder holds it
        media_type="text/plain; charset=utf-8",
        headers={"ETag": etag(found.revision)},
    )
