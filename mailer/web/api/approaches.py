"""``/api/v1/approaches``: the approaches library (``mailer.approaches``), read and written as
JSON, with the same revision rules as ``/api/v1/issues``: every answer about one approach
carries ``ETag: "<revision>"``; a ``PUT`` must send it back in ``If-Match`` (428 without, 412
with the current revision in the body when someone saved since). Problems (a summary
missing in a language, an unknown country) do not stop a save; they come back in
``"problems"``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from mailer import approaches
from mailer.access.api_tokens import ApiToken
from mailer.app import App
from mailer.errors import StaleRevision
from mailer.web.api.auth import PREFIX, needs
from mailer.web.api.errors import ApiError, ErrorBody, responses
from mailer.web.api.issues import LintProblem, RevisionLine, actor
from mailer.web.api.models import Name, Strict
from mailer.web.api.revisions import IfMatch, base_revision, etag
from mailer.web.context import AppDep

router = APIRouter(prefix=PREFIX, tags=["approaches"])
READ, WRITE = needs("approaches:read"), needs("approaches:write")

Slug = Annotated[Name, Field(description="The approach's slug, e.g. `fathers-clubs-kakheti`.")]


class Approach(BaseModel):
    slug: str
    revision: int = Field(description="The current revision; also the `ETag`.")
    state: str = Field(description="`draft`, `published` or `archived`.")
    kind: str = Field(description="`approach`, `event` or `call`.")
    title: str = Field(description="In English, else in any language it has.")
    document: dict[str, Any] = Field(
        description="The approach's keys: kind, state, organisation, contact, countries, "
        "interests, links, image, content.<lang>.{title, summary, image_alt}; an event's "
        "starts_at, ends_at, timezone, registration; a call's deadline, timezone."
    )
    problems: list[LintProblem]
    author: str = Field(description="Who saved the current revision.")
    saved_at: datetime


class ApproachCreate(Strict):
    slug: Name = Field(description="Lower-case letters, digits and hyphens.")
    document: dict[str, Any]
    message: Annotated[str, Field(max_length=1000)] | None = None


class ApproachSave(Strict):
    document: dict[str, Any]
    message: Annotated[str, Field(max_length=1000)] | None = Field(
        None, description="Kept in the history beside the revision."
    )


class ApproachSaveResult(BaseModel):
    slug: str
    revision: int = Field(description="The revision now current; also the `ETag`.")
    changed: bool = Field(description="False when the document was the current one's.")
    problems: list[LintProblem]


class ApproachRevisionFull(RevisionLine):
    slug: str
    document: dict[str, Any]


class ApproachStale(ErrorBody):
    revision: int = Field(description="The current revision (send it as `If-Match`).")
    current_by: str = Field(description="Who saved the current revision.")
    current: Approach = Field(description="The current revision in full.")


def _approach(view: approaches.ApproachView) -> Approach:
    return Approach.model_validate(view.as_json())


def _saved(saved: approaches.ApproachSaved) -> ApproachSaveResult:
    return ApproachSaveResult(
        slug=saved.slug,
        revision=saved.revision,
        changed=saved.changed,
        problems=[
            LintProblem(severity=p.severity, key=p.key, message=p.message) for p in saved.problems
        ],
    )


def _stale(app: App, refused: StaleRevision) -> ApiError:
    current = approaches.get_approach(app.database, refused.slug)
    body = {
        "error": str(refused),
        "revision": current.revision,
        "current_by": current.author,
        "current": _approach(current).model_dump(mode="json"),
    }
    return ApiError(412, body, {"ETag": etag(current.revision)})


@router.get("/approaches", response_model=list[Approach], responses=responses(401, 403, 422))
def every_approach(
    app: AppDep,
    state: Annotated[
        Literal["draft", "published", "archived"] | None, Query(description="Only this state.")
    ] = None,
    kind: Annotated[
        Literal["approach", "event", "call"] | None, Query(description="Only this kind.")
    ] = None,
    token: ApiToken = READ,
) -> list[Approach]:
    """Every approach in the library, by slug, with its current revision (`state` and `kind`
    filter). Scope: `approaches:read`."""
    views = approaches.list_approaches(app.database, state=state, kind=kind)
    return [_approach(view) for view in views]


@router.post(
    "/approaches",
    status_code=201,
    response_model=Approach,
    responses=responses(401, 403, 409, 413, 422),
)
def create(
    body: ApproachCreate, app: AppDep, response: Response, token: ApiToken = WRITE
) -> Approach:
    """A new approach whose revision 1 is `document`; 409 when the slug is taken.
    Scope: `approaches:write`."""
    saved = approaches.create_approach(
        app.database,
        body.slug,
        body.document,
        by=actor(token),
        now=app.clock(),
        message=body.message,
    )
    response.headers["ETag"] = etag(saved.revision)
    response.headers["Location"] = f"{PREFIX}/approaches/{saved.slug}"
    return _approach(approaches.get_approach(app.database, saved.slug))


@router.get("/approaches/{slug}", response_model=Approach, responses=responses(401, 403, 404))
def one_approach(slug: Slug, app: AppDep, response: Response, token: ApiToken = READ) -> Approach:
    """The approach with `ETag: "<revision>"`. Scope: `approaches:read`."""
    view = approaches.get_approach(app.database, slug)
    response.headers["ETag"] = etag(view.revision)
    return _approach(view)


@router.put(
    "/approaches/{slug}",
    response_model=ApproachSaveResult,
    responses={
        **responses(401, 403, 404, 409, 413, 422),
        412: {"model": ApproachStale, "description": "Someone saved since; nothing was stored."},
        428: {"model": ErrorBody, "description": "No `If-Match`; nothing was stored."},
    },
)
def save(
    slug: Slug,
    body: ApproachSave,
    app: AppDep,
    response: Response,
    if_match: IfMatch = None,
    token: ApiToken = WRITE,
) -> ApproachSaveResult:
    """Save `document` as the next revision if the revision in `If-Match` is still current:
    else 412 with the current revision, and nothing stored. Issues that refer to the approach
    keep the revision they are pinned to; a draft issue then shows "update available".
    Scope: `approaches:write`."""
    base = base_revision(if_match)
    try:
        saved = approaches.save_approach(
            app.database,
            slug,
            body.document,
            base_revision=base,
            by=actor(token),
            now=app.clock(),
            message=body.message,
        )
    except StaleRevision as refused:
        raise _stale(app, refused) from refused
    response.headers["ETag"] = etag(saved.revision)
    return _saved(saved)


@router.get(
    "/approaches/{slug}/revisions",
    response_model=list[RevisionLine],
    responses=responses(401, 403, 404),
)
def history(slug: Slug, app: AppDep, token: ApiToken = READ) -> list[RevisionLine]:
    """Every revision of the approach, newest first. Scope: `approaches:read`."""
    return [
        RevisionLine(
            number=r.number, author=r.author, saved_at=r.saved_at, message=r.message, hash=r.hash
        )
        for r in approaches.approach_revisions(app.database, slug)
    ]


@router.get(
    "/approaches/{slug}/revisions/{number}",
    response_model=ApproachRevisionFull,
    responses=responses(401, 403, 404, 422),
)
def one_revision(
    slug: Slug,
    number: Annotated[int, Path(ge=1, le=10**9, description="Revisions count from 1.")],
    app: AppDep,
    token: ApiToken = READ,
) -> ApproachRevisionFull:
    """One revision in full. Scope: `approaches:read`."""
    found = approaches.approach_revision(app.database, slug, number)
    return ApproachRevisionFull(
        slug=found.slug,
        number=found.number,
        author=found.author,
        saved_at=found.saved_at,
        message=found.message,
        hash=found.hash,
        document=dict(found.document),
    )
