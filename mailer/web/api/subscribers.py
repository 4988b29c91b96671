"""``/api/v1/subscribers``: search by segment (paged), create, read, update, erase."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from mailer.access.api_tokens import ApiToken
from mailer.core.subscribers import STATUSES
from mailer.core.text import is_ascii_digits
from mailer.errors import NotFound
from mailer.subscriptions import browse, directory, people
from mailer.web.api.auth import PREFIX, needs
from mailer.web.api.errors import responses
from mailer.web.api.models import (
    Erased,
    Line,
    Name,
    Subscriber,
    SubscriberCreate,
    SubscriberPage,
    SubscriberSummary,
    SubscriberUpdate,
)
from mailer.web.context import AppDep

MAX_SEGMENT = 2000  # as mailer.core.segment_parser.MAX_LENGTH: longer is refused there too
StatusFilter = Literal[(*STATUSES, "any")]  # type: ignore[valid-type]
SegmentText = Annotated[
    str,
    Query(
        max_length=MAX_SEGMENT,
        pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$",
        description="e.g. `country in (GE, AZ) and interest = youth`",
    ),
]


def _summary(row: dict[str, Any]) -> SubscriberSummary:
    return SubscriberSummary(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        country=row["country"],
        language=row["language"],
        status=row["status"],
        interests=row["interests"],
        attributes=dict(row["attributes"] or {}),
        bounce_score=row["bounce_score"],
        created_at=_iso(row["created_at"]),
        updated_at=_iso(row["updated_at"]),
    )


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


router = APIRouter(prefix=PREFIX, tags=["subscribers"])
READ, WRITE = needs("subscribers:read"), needs("subscribers:write")


@router.get("/subscribers", response_model=SubscriberPage, responses=responses(401, 403, 404, 422))
def search(
    app: AppDep,
    token: ApiToken = READ,
    segment: SegmentText | None = None,
    list_name: Annotated[Line | None, Query(alias="list")] = None,
    status: StatusFilter = "any",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SubscriberPage:
    """Subscribers matching a segment, on a list, with a status; a page at a time, by id.

    Scope: `subscribers:read`. A segment's syntax error is a 422 naming its column."""
    found = browse.subscriber_page(
        app.database,
        segment=segment or None,
        list_name=list_name,
        status=None if status == "any" else status,
        number=page,
        size=per_page,
    )
    return SubscriberPage(
        total=found.total,
        page=found.number,
        per_page=found.size,
        pages=found.pages,
        items=[_summary(row) for row in found.rows],
    )


@router.post(
    "/subscribers",
    status_code=201,
    response_model=Subscriber,
    responses=responses(401, 403, 404, 409, 413, 422),
)
def create(body: SubscriberCreate, request: Request, app: AppDep, token: ApiToken = WRITE) -> Any:
    """Add one subscriber, on existing lists. Scope: `subscribers:write`.

    An address already stored is a 409 (change it with PATCH); so is a suppressed one
    (erased, bounced, complained). The consent source is `api:<token name>`."""
    fields = body.model_dump(
        include={"email", "name", "country", "language", "interests", "attributes"}
    )
    return directory.create(
        app.database,
        fields,
        lists=body.lists,
        status=body.status,
        source=f"api:{token.name}",
        ip=request.client.host if request.client else None,
        now=app.clock(),
    )


@router.get("/subscribers/{ref}", response_model=Subscriber, responses=responses(401, 403, 404))
def read_one(ref: Line, app: AppDep, token: ApiToken = READ) -> Any:
    """One subscriber by id or address, with lists, consent and bounces.

    Scope: `subscribers:read`."""
    return directory.find(app.database, ref)


@router.patch(
    "/subscribers/{ref}",
    response_model=Subscriber,
    responses=responses(401, 403, 404, 409, 413, 422),
)
def update(ref: Line, body: SubscriberUpdate, app: AppDep, token: ApiToken = WRITE) -> Any:
    """Change a subscriber's profile, status or lists. Scope: `subscribers:write`.

    Nobody is brought back: `active` only confirms an `unconfirmed` subscriber, and a list
    they left is not joined again for them (409)."""
    changes = directory.Changes(**body.model_dump())
    return directory.update(app.database, ref, changes, now=app.clock())


@router.delete("/subscribers/{ref}", response_model=Erased, responses=responses(401, 403, 404))
def erase(ref: Name, app: AppDep, token: ApiToken = WRITE) -> Erased:
    """Erase every record of a subscriber (GDPR); a salted hash keeps the address
    suppressed, so no import brings it back. Scope: `subscribers:write`.

    An unknown address is a 404, and its hash is suppressed all the same."""
    found = directory.find(app.database, ref) if is_ascii_digits(ref) else None
    email = found["email"] if found else ref
    if not people.erase(app.database, email, now=app.clock()):
        raise NotFound("subscriber", f"{ref} (its salted hash is suppressed now)")
    return Erased(email=email, erased=True)
