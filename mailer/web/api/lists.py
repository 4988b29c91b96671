"""``/api/v1/lists``: every list with its counts, one list, creating a list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from mailer.access.api_tokens import ApiToken
from mailer.app import App
from mailer.errors import NotFound
from mailer.subscriptions import lists as use_case
from mailer.subscriptions.lists import ListSummary
from mailer.web.api.auth import PREFIX, needs
from mailer.web.api.errors import responses
from mailer.web.api.models import Name, Strict
from mailer.web.context import AppDep


class MailingList(BaseModel):
    name: str
    description: str
    created_at: datetime
    active: int = Field(description="Active subscriptions.")
    unconfirmed: int
    unsubscribed: int


class ListCreate(Strict):
    name: Name = Field(min_length=1)
    description: Annotated[
        str, Field(max_length=2000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")
    ] = ""


def _list(summary: ListSummary) -> MailingList:
    return MailingList(
        name=summary.name,
        description=summary.description,
        created_at=summary.created_at,
        active=summary.active,
        unconfirmed=summary.unconfirmed,
        unsubscribed=summary.unsubscribed,
    )


router = APIRouter(prefix=PREFIX, tags=["lists"])
READ, WRITE = needs("lists:read"), needs("lists:write")


def one(app: App, name: str) -> MailingList:
    for summary in use_case.list_lists(app.database):
        if summary.name == name:
            return _list(summary)
    raise NotFound("list", name)


@router.get("/lists", response_model=list[MailingList], responses=responses(401, 403))
def every_list(app: AppDep, token: ApiToken = READ) -> list[MailingList]:
    """Every list, by name, with its subscription counts. Scope: `lists:read`."""
    return [_list(summary) for summary in use_case.list_lists(app.database)]


@router.get("/lists/{name}", response_model=MailingList, responses=responses(401, 403, 404))
def one_list(name: Annotated[Name, Path()], app: AppDep, token: ApiToken = READ) -> MailingList:
    """One list with its subscription counts. Scope: `lists:read`."""
    return one(app, name)


@router.post(
    "/lists",
    status_code=201,
    response_model=MailingList,
    responses=responses(401, 403, 409, 413, 422),
)
def create(body: ListCreate, app: AppDep, token: ApiToken = WRITE) -> MailingList:
    """Create a list; a name already taken is a 409. Scope: `lists:write`."""
    use_case.add_list(app.database, body.name, description=body.description, now=app.clock())
    return one(app, body.name.strip())
