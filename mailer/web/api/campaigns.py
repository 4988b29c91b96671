"""``/api/v1/campaigns``: the campaign folders with their stored state and delivery counts,
one campaign's status, a preview per language (or per subscriber), pause/resume/cancel."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mailer.access.api_tokens import ApiToken
from mailer.app import App
from mailer.campaigns import lifecycle, overview
from mailer.campaigns.preview import PREVIEW_RECIPIENT, preview_as
from mailer.core.campaigns import Campaign
from mailer.core.languages import resolve_language
from mailer.core.subscribers import Recipient
from mailer.errors import Conflict, NotFound
from mailer.subscriptions import directory
from mailer.web.api.auth import PREFIX, needs, require
from mailer.web.api.errors import responses
from mailer.web.api.models import Line, Name
from mailer.web.context import AppDep

WHAT = {
    "pause": "Stop sending a `sending` campaign for now; deliveries wait in the ledger. "
    "409 in any other state. Scope: `campaigns:write`.",
    "resume": "Carry on sending a `paused` campaign. 409 in any other state. "
    "Scope: `campaigns:write`.",
    "cancel": "Stop for good: deliveries not yet sent become `skipped`. 409 for a campaign "
    "already sent or cancelled. Scope: `campaigns:write`.",
}


class CampaignSummary(BaseModel):
    slug: str
    state: str = Field(description="`draft` when nothing is stored yet; else the stored state.")
    stored: bool
    has_folder: bool = Field(description="Whether `campaigns/<slug>/campaign.toml` exists.")
    subject: str = Field(description="In the issue's first language; empty if it does not parse.")
    approved_by: str | None
    approved_at: datetime | None
    send_at: datetime | None = Field(description="UTC, when scheduled.")
    started_at: datetime | None
    finished_at: datetime | None
    total: int = Field(description="Deliveries in the ledger.")
    done: int = Field(description="Deliveries sent, failed, bounced or skipped.")
    percent: int
    counts: dict[str, int] = Field(description="Deliveries by state.")


class CampaignStatus(BaseModel):
    slug: str
    state: str
    total: int
    counts: dict[str, int]


class StateChange(BaseModel):
    slug: str
    state: str = Field(description="The campaign's state after the change.")


class Preview(BaseModel):
    slug: str
    language: str
    variant: str
    recipient: str | None = Field(description="The subscriber previewed, when one was.")
    subject: str
    html: str
    text: str


def _summary(item: overview.Summary) -> CampaignSummary:
    return CampaignSummary(
        slug=item.slug,
        state=item.state,
        stored=item.stored,
        has_folder=item.has_folder,
        subject=item.subject,
        approved_by=item.approved_by,
        approved_at=item.approved_at,
        send_at=item.send_at,
        started_at=item.started_at,
        finished_at=item.finished_at,
        total=item.total,
        done=item.done,
        percent=item.percent,
        counts=item.counts,
    )


router = APIRouter(prefix=PREFIX, tags=["campaigns"])
READ, WRITE = needs("campaigns:read"), needs("campaigns:write")


def folder(app: App, slug: str) -> Path | None:
    return overview.folder_of(Path(app.settings.paths.campaigns), slug)


def parsed(app: App, slug: str) -> Campaign:
    found = folder(app, slug)
    if found is None:
        raise NotFound("campaign folder", slug)
    campaign, problems, _ = overview.load(found)
    if campaign is None:
        shown = "; ".join(str(p) for p in problems[:3])
        raise Conflict(f"campaigns/{slug}/campaign.toml has errors ({shown}); lint it")
    return campaign


@router.get("/campaigns", response_model=list[CampaignSummary], responses=responses(401, 403))
def every_campaign(app: AppDep, token: ApiToken = READ) -> list[CampaignSummary]:
    """Every campaign folder, then stored campaigns whose folder is gone; newest slug first.

    Scope: `campaigns:read`."""
    found = overview.all_campaigns(app.database, Path(app.settings.paths.campaigns))
    return [_summary(item) for item in found]


@router.get("/campaigns/{slug}", response_model=CampaignSummary, responses=responses(401, 403, 404))
def one_campaign(slug: Name, app: AppDep, token: ApiToken = READ) -> CampaignSummary:
    """One campaign: its folder, stored state and deliveries by state.

    Scope: `campaigns:read`."""
    found = folder(app, slug)
    campaign = overview.load(found)[0] if found else None
    item = overview.summary(app.database, slug, campaign)
    if found is None and not item.stored:
        raise NotFound("campaign", slug)
    return _summary(item if found else replace(item, has_folder=False))


@router.get(
    "/campaigns/{slug}/status",
    response_model=CampaignStatus,
    responses=responses(401, 403, 404),
)
def status(slug: Name, app: AppDep, token: ApiToken = READ) -> CampaignStatus:
    """The stored state and deliveries by state (what `mailer status` prints); 404 for
    a campaign never started, approved or scheduled. Scope: `campaigns:read`."""
    found = lifecycle.status(app.database, slug)
    return CampaignStatus(
        slug=found.slug, state=found.state, total=found.total, counts=found.counts
    )


@router.get(
    "/campaigns/{slug}/preview",
    response_model=Preview,
    responses=responses(401, 403, 404, 409, 422),
)
def preview(
    slug: Name,
    app: AppDep,
    token: ApiToken = READ,
    lang: Annotated[Name | None, Query(description="Default: the issue's first.")] = None,
    email: Annotated[Line | None, Query(description="Exactly as they get it.")] = None,
) -> Preview:
    """The issue's subject, HTML and text in one language (every item shown), or exactly
    as one subscriber would get it. Scope: `campaigns:read`, and `subscribers:read` with
    `email` (it shows the person's name and choices). A preview's unsubscribe and
    preferences links name nobody: they answer 404, never act on the person."""
    if email:
        require(token, "subscribers:read", "to preview as a subscriber")
    campaign = parsed(app, slug)
    composer = app.composer(campaign)
    if email:
        record = directory.find(app.database, email)
        recipient = Recipient(
            record["id"],
            record["email"],
            record["name"] or "",
            record["country"],
            record["language"],
            frozenset(record["interests"]),
        )
        variant, _, message = preview_as(composer, recipient)
        return Preview(
            slug=slug,
            language=variant.key.language,
            variant=variant.key.name,
            recipient=recipient.email,
            subject=message.subject,
            html=message.html,
            text=message.text,
        )
    chosen = lang or campaign.default_language
    language = resolve_language(chosen, campaign.languages, fallback=campaign.fallback, default="")
    if not language or language not in campaign.languages:
        raise NotFound("language in this issue", chosen)
    variant = composer.variant(composer.full_variant(language))
    message = variant.render(composer.personal_values(variant, PREVIEW_RECIPIENT))
    return Preview(
        slug=slug,
        language=language,
        variant=variant.key.name,
        recipient=None,
        subject=message.subject,
        html=message.html,
        text=message.text,
    )


def change(action: str) -> None:
    act = getattr(lifecycle, action)

    @router.post(
        f"/campaigns/{{slug}}/{action}",
        response_model=StateChange,
        responses=responses(401, 403, 404, 409),
        name=f"api_{action}",
        summary=f"{action.capitalize()} a campaign",
        description=WHAT[action],
    )
    def endpoint(slug: Name, app: AppDep, token: ApiToken = WRITE) -> StateChange:
        return StateChange(slug=slug, state=act(app.database, slug, now=app.clock()))


for action in WHAT:
    change(action)
