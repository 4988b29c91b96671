"""Where the library's approaches were used: the issues pinned to them (``issue_pin``), each
issue's campaign (its state and dates) and how many recipients the ledger says got each
variant. Read-only; none of these commits or locks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mailer.db.schema import campaign, delivery, issue, issue_pin, issue_revision


@dataclass(frozen=True)
class StoredUse:
    """One issue that refers to an approach, at the revision it is pinned to."""

    approach_slug: str
    issue_slug: str
    pinned: int
    document: Mapping[str, Any]  # the issue's current revision (its own, with references)
    review: str  # draft | in_review, before a campaign exists
    updated_at: datetime
    campaign_id: int | None
    campaign_state: str | None
    started_at: datetime | None
    finished_at: datetime | None
    send_at: datetime | None


def uses(conn: sa.Connection, slugs: Iterable[str] | None = None) -> list[StoredUse]:
    """Reads every pin (of ``slugs`` when given) with its issue's current revision and its
    campaign, if any; newest issue first."""
    query = (
        sa.select(
            issue_pin.c.approach_slug,
            issue.c.slug.label("issue_slug"),
            issue_pin.c.approach_revision.label("pinned"),
            issue_revision.c.document,
            issue.c.review,
            issue.c.updated_at,
            campaign.c.id.label("campaign_id"),
            campaign.c.state.label("campaign_state"),
            campaign.c.started_at,
            campaign.c.finished_at,
            campaign.c.send_at,
        )
        .select_from(issue_pin)
        .join(issue, issue.c.id == issue_pin.c.issue_id)
        .join(
            issue_revision,
            sa.and_(
                issue_revision.c.issue_id == issue.c.id,
                issue_revision.c.number == issue.c.revision,
            ),
        )
        .outerjoin(campaign, campaign.c.slug == issue.c.slug)
        .order_by(issue.c.updated_at.desc(), issue.c.slug)
    )
    if slugs is not None:
        query = query.where(issue_pin.c.approach_slug.in_(list(slugs)))
    return [StoredUse(**row._mapping) for row in conn.execute(query)]


def sent_by_variant(conn: sa.Connection, campaign_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Reads, per campaign, how many deliveries of each variant were sent (the ledger's
    ``sent`` rows; a variant is ``language:item+item``)."""
    wanted = sorted(set(campaign_ids))
    if not wanted:
        return {}
    query = (
        sa.select(delivery.c.campaign_id, delivery.c.variant, sa.func.count())
        .where(delivery.c.campaign_id.in_(wanted), delivery.c.state == "sent")
        .group_by(delivery.c.campaign_id, delivery.c.variant)
    )
    out: dict[int, dict[str, int]] = {}
    for campaign_id, variant, n in conn.execute(query):
        out.setdefault(campaign_id, {})[variant or ""] = int(n)
    return out
