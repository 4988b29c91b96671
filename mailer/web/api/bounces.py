"""``/api/v1/bounces``: recorded bounces and complaints, newest first (``mailer bounces list``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mailer.access.api_tokens import ApiToken
from mailer.bounces import history
from mailer.errors import InvalidValue
from mailer.web.api.auth import PREFIX, needs
from mailer.web.api.errors import responses
from mailer.web.context import AppDep

Kind = Literal["hard", "soft", "delayed", "complaint", "auto_reply"]
_AGO = re.compile(r"([0-9]{1,5})([dhm])")  # [0-9], not \d: that matches any script's digits
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class Bounce(BaseModel):
    id: int
    created_at: str | None
    source: str = Field(description="smtp, inbound, mailbox, ses, sendgrid, postmark, mailgun…")
    kind: str
    recipient: str
    status: str | None = Field(description="Enhanced status code, e.g. 5.1.1.")
    diagnostic: str | None
    attributed_by: str
    action: str = Field(description="What the bounce policy did.")
    verified: bool = Field(
        description="False: nothing vouched that the report is about this person (matched by "
        "address alone, or named beside the one a VERP token vouches for); it changed nobody "
        "unless staff applied it."
    )
    applied_by: str | None = Field(description="Who applied an unverified event, if anyone.")
    delivery_id: int | None
    campaign: str | None
    subscriber: str | None


def parse_since(text: str, now: datetime) -> datetime:
    """``7d``, ``12h``, ``30m`` before ``now``, or an ISO 8601 date/time (UTC without offset)."""
    ago = _AGO.fullmatch(text.strip())
    try:
        if ago:
            return now - timedelta(**{_UNITS[ago[2]]: int(ago[1])})
        moment = datetime.fromisoformat(text.strip())
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    except (ValueError, OverflowError):
        raise InvalidValue("since", f"{text!r}: expected 7d, 12h or an ISO date") from None


router = APIRouter(prefix=PREFIX, tags=["bounces"])
READ = needs("bounces:read")


@router.get("/bounces", response_model=list[Bounce], responses=responses(401, 403, 422))
def bounces(
    app: AppDep,
    token: ApiToken = READ,
    since: Annotated[str | None, Query(max_length=40, description="7d, 12h or ISO")] = None,
    kind: Kind | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
) -> list[Bounce]:
    """Recorded bounces and complaints, newest first, with what the policy did.

    Scope: `bounces:read`."""
    moment = parse_since(since, app.clock()) if since else None
    rows = history.events(app.database, since=moment, kind=kind, limit=limit)
    return [Bounce(**row) for row in rows]
