"""``/api/v1/stats``: subscribers by status, country and language; deliveries by state;
bounces by kind. Read at request time from the database."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mailer.access.api_tokens import ApiToken
from mailer.core.subscribers import STATUSES
from mailer.reports import counts
from mailer.web.api.auth import PREFIX, needs
from mailer.web.api.errors import responses
from mailer.web.context import AppDep

StatusFilter = Literal[(*STATUSES, "any")]  # type: ignore[valid-type]


class SubscriberStats(BaseModel):
    by_status: dict[str, int] = Field(description="Every status, 0 when nobody has it.")
    by_country: dict[str, int] = Field(description="ISO code (`-` unknown), most first.")
    by_language: dict[str, int] = Field(description="BCP 47 tag (`-` unknown), most first.")


class Stats(BaseModel):
    subscribers: SubscriberStats
    deliveries: dict[str, int] = Field(description="Deliveries of every campaign by state.")
    bounces: dict[str, int] = Field(description="Bounce and complaint events by kind.")


router = APIRouter(prefix=PREFIX, tags=["stats"])
READ = needs("stats:read")


@router.get("/stats", response_model=Stats, responses=responses(401, 403, 422))
def stats(app: AppDep, token: ApiToken = READ, status: StatusFilter = "active") -> Stats:
    """Counts for a dashboard. `status` chooses whom the country and language counts
    cover (`active` by default, `any` for everyone). Scope: `stats:read`."""
    found = counts.stats(app.database, status=None if status == "any" else status)
    return Stats(
        subscribers=SubscriberStats(
            by_status=found.by_status,
            by_country=found.by_country,
            by_language=found.by_language,
        ),
        deliveries=found.deliveries,
        bounces=found.bounces,
    )
