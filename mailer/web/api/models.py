"""Request and response bodies shared by the API's routes (pydantic, so OpenAPI shows them)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mailer.core.subscribers import STATUSES

# Text that goes into a query or a stored field: one line, no control characters.
Line = Annotated[str, StringConstraints(max_length=320, pattern=r"^[^\x00-\x1f\x7f]*$")]
Name = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
Scalar = str | int | float | bool
SubscriberStatus = Literal[STATUSES]  # type: ignore[valid-type]


class Strict(BaseModel):
    """A request body: unknown fields are refused (422), not ignored."""

    model_config = ConfigDict(extra="forbid")


class Consent(BaseModel):
    source: str | None
    at: str | None
    ip: str | None
    confirmed_at: str | None


class Membership(BaseModel):
    name: str
    status: str
    opted_in_at: str | None
    subscribed_at: str | None


class BounceSeen(BaseModel):
    at: str | None
    kind: str
    source: str
    status: str | None
    diagnostic: str | None
    campaign: str | None
    action: str


class SubscriberSummary(BaseModel):
    """A subscriber as a search lists them."""

    id: int
    email: str
    name: str
    country: str | None
    language: str | None
    status: str
    interests: list[str]
    attributes: dict[str, str]
    bounce_score: float
    created_at: str | None
    updated_at: str | None


class Subscriber(SubscriberSummary):
    """Everything held on one subscriber (what `mailer subscribers show --json` prints)."""

    consent: Consent
    lists: list[Membership]
    last_soft_bounce_at: str | None
    bounces: list[BounceSeen] = Field(description="The latest 100 bounce events, newest first.")


class SubscriberPage(BaseModel):
    total: int = Field(description="Subscribers matching, on every page.")
    page: int
    per_page: int
    pages: int
    items: list[SubscriberSummary]


class SubscriberCreate(Strict):
    email: Line
    name: Name | None = None
    country: Name | None = Field(None, description="ISO 3166 code or English name.")
    language: Name | None = Field(None, description="BCP 47 tag, e.g. `ru`, `sr-Latn`.")
    interests: list[Name] | None = None
    attributes: dict[Name, Scalar | None] | None = None
    lists: list[Name] = Field(
        default_factory=list, max_length=100, description="Existing lists to put them on."
    )
    status: Literal["active", "unconfirmed"] = Field(
        "active", description="`unconfirmed` ones get no issue until they confirm."
    )


class SubscriberUpdate(Strict):
    """Given fields change; absent ones stay. `""` clears country or language."""

    name: Name | None = None
    country: Name | None = None
    language: Name | None = None
    interests: list[Name] | None = Field(None, description="Replaces every interest.")
    attributes: dict[Name, Scalar | None] | None = Field(
        None, description="Merged into the stored ones; `null` removes a key."
    )
    status: Literal["active", "unsubscribed", "blocklisted"] | None = Field(
        None, description="`active` only from `unconfirmed`; leaving sets every list left."
    )
    subscribe: list[Name] = Field(default_factory=list, max_length=100)
    unsubscribe: list[Name] = Field(default_factory=list, max_length=100)


class Erased(BaseModel):
    email: str
    erased: bool = Field(description="Always true: the record is gone, a salted hash stays.")
