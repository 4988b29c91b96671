"""Starting, pausing, resuming and cancelling a campaign; its status. Sending is dispatch's."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from mailer.core.campaign_states import transition
from mailer.core.campaigns import Campaign
from mailer.core.segment_parser import parse_segment
from mailer.db import Database, deliveries
from mailer.db import campaigns as stored_campaigns
from mailer.db.segments import audience_clause
from mailer.errors import NotFound


@dataclass(frozen=True)
class Status:
    slug: str
    state: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_json(self) -> dict[str, object]:
        return {"state": self.state, "total": self.total, **self.counts}


def start(database: Database, campaign: Campaign, source: str, *, now: datetime) -> int:
    """Freeze the source, set the campaign ``sending`` and write its ledger; returns its rows.

    One INSERT … SELECT takes a snapshot of the audience: active subscribers on any of the
    lists who match the segment, once each however many lists they are on.
    """
    digest = hashlib.sha256(source.encode()).hexdigest()
    segment = parse_segment(campaign.segment) if campaign.segment else None
    with database.write() as conn:
        stored = stored_campaigns.find(conn, campaign.slug, lock=True)
        if stored is None:
            campaign_id = stored_campaigns.insert(
                conn,
                slug=campaign.slug,
                state="sending",
                source=source,
                source_hash=digest,
                now=now,
            )
        else:
            target = transition(campaign.slug, stored.state, "start")
            stored_campaigns.set_state(conn, stored.id, target, now=now, expected=stored.state)
            campaign_id = stored.id
        where = audience_clause(conn, segment=segment, lists=campaign.lists)
        return deliveries.materialise(conn, campaign_id, where, now=now, first=stored is None)


def _change(database: Database, slug: str, action: str, *, now: datetime) -> str:
    with database.write() as conn:
        stored = stored_campaigns.find(conn, slug, lock=True)
        if stored is None:
            raise NotFound("campaign", slug)
        target = transition(slug, stored.state, action)
        stored_campaigns.set_state(conn, stored.id, target, now=now, expected=stored.state)
        if action == "cancel":
            deliveries.skip_open(conn, stored.id, now=now)
        return target


def pause(database: Database, slug: str, *, now: datetime) -> str:
    return _change(database, slug, "pause", now=now)


def resume(database: Database, slug: str, *, now: datetime) -> str:
    return _change(database, slug, "resume", now=now)


def cancel(database: Database, slug: str, *, now: datetime) -> str:
    """Stop for good: deliveries not yet sent become ``skipped`` (those in flight finish)."""
    return _change(database, slug, "cancel", now=now)


def status(database: Database, slug: str) -> Status:
    with database.read() as conn:
        stored = stored_campaigns.find(conn, slug)
        if stored is None:
            raise NotFound("campaign", slug)
        return Status(slug, stored.state, deliveries.counts(conn, stored.id))
