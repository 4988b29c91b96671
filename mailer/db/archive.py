"""Queries behind the public archive: campaigns that were sent. None of them commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mailer.db.schema import campaign


@dataclass(frozen=True)
class SentCampaign:
    slug: str
    source: str  # the campaign.toml as sent
    finished_at: datetime | None


def sent_campaigns(conn: sa.Connection, *, limit: int = 500) -> list[SentCampaign]:
    """Reads campaigns in state ``sent``, the latest first; locks nothing."""
    query = (
        sa.select(campaign.c.slug, campaign.c.source, campaign.c.finished_at)
        .where(campaign.c.state == "sent")
        .order_by(campaign.c.finished_at.desc(), campaign.c.id.desc())
        .limit(limit)
    )
    return [SentCampaign(*row) for row in conn.execute(query)]


def sent_campaign(conn: sa.Connection, slug: str) -> SentCampaign | None:
    """Reads one campaign by slug when its state is ``sent``; locks nothing."""
    query = sa.select(campaign.c.slug, campaign.c.source, campaign.c.finished_at).where(
        campaign.c.slug == slug, campaign.c.state == "sent"
    )
    row = conn.execute(query).first()
    return None if row is None else SentCampaign(*row)
