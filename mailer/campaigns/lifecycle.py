"""Starting, pausing, resuming and cancelling a campaign; its status. Sending is dispatch's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailer.core import issue_workflow as workflow
from mailer.core import one_off
from mailer.core.campaign_states import transition
from mailer.core.campaigns import Campaign
from mailer.core.issue_documents import text_hash
from mailer.core.preflight import Report
from mailer.core.segment_parser import parse_segment
from mailer.db import Connection, Database, deliveries
from mailer.db import campaigns as stored_campaigns
from mailer.db import issues as stored_issues
from mailer.db.segments import audience_clause
from mailer.errors import Conflict, InvalidValue, NotFound, PeriodMismatch, PreflightFailed


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

    def lines(self) -> list[str]:
        """The state and the deliveries by state, as ``mailer campaign status`` prints them."""
        counts = "  ".join(f"{name} {n}" for name, n in self.counts.items())  # every state
        return [f"campaign {self.slug}: {self.state}, {self.total} deliveries", f"  {counts}"]


def start(database: Database, campaign: Campaign, source: str, *, now: datetime) -> int:
    """Freeze the source, set the campaign ``sending`` and write its ledger; returns its rows.

    One INSERT … SELECT takes a snapshot of the audience: active subscribers on any of the
    lists who match the segment, once each however many lists they are on.
    """
    digest = source_hash(source)
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


def source_hash(source: str) -> str:
    return text_hash(source)


def approve(database: Database, campaign: Campaign, source: str, *, by: str, now: datetime) -> str:
    """Approve exactly ``source`` (the campaign.toml text) on behalf of ``by``.

    The approval is of that text: an issue changed afterwards is no longer approved (the
    scheduler and ``is_approved`` compare hashes). Approving again replaces the approval and
    clears a schedule; a campaign already sending or finished cannot be approved.
    """
    with database.write() as conn:
        record_approval(conn, campaign.slug, source, by=by, now=now)
    return "approved"


def record_approval(conn: Connection, slug: str, source: str, *, by: str, now: datetime) -> None:
    """``approve`` inside the caller's transaction (the issue use cases check first)."""
    stored = stored_campaigns.find(conn, slug, lock=True)
    if stored is None:
        campaign_id = stored_campaigns.insert(
            conn,
            slug=slug,
            state="draft",
            source=source,
            source_hash=source_hash(source),
            now=now,
        )
        current = "draft"
    else:
        campaign_id, current = stored.id, stored.state
        if current == "scheduled":
            current = "approved"
            stored_campaigns.set_schedule(
                conn, campaign_id, send_at=None, now=now, expected="scheduled"
            )
    transition(slug, current, "approve")
    stored_campaigns.set_approval(
        conn,
        campaign_id,
        source=source,
        source_hash=source_hash(source),
        by=by,
        now=now,
        expected=current,
    )


def schedule(
    database: Database,
    campaign: Campaign,
    source: str,
    *,
    send_at: datetime,
    by: str,
    now: datetime,
    preflight: Report | None = None,
    forced_by: str | None = None,
    timezone: str | None = None,
    period_confirmed: bool = False,
) -> str:
    """Schedule an approved campaign to go out at ``send_at`` (naive UTC), once.

    ``Conflict`` when it is not approved or its text changed since the approval;
    ``InvalidValue`` when ``send_at`` is not in the future; ``PreflightFailed`` when
    ``preflight`` (the gate's report, None when the gate is off) has failing checks, unless
    ``forced_by`` names the approver who sends it anyway (recorded, and honoured when the
    scheduler fires it). The scheduler sends it through the occurrence path, like a series'
    issue (see ``mailer.campaigns.occurrences``). ``PeriodMismatch`` when the issue's
    ``period`` is not the period of ``send_at`` in ``timezone`` (the campaign's when None),
    unless ``period_confirmed``.
    """
    if send_at <= now:
        raise InvalidValue("send_at", f"{send_at:%Y-%m-%d %H:%M} UTC is not in the future")
    zone = timezone or campaign.timezone or "UTC"
    local = one_off.to_local(send_at, zone)
    period = campaign.extra.get("period")
    at = one_off.period_mismatch(period, local)
    if at is not None and not period_confirmed:
        raise PeriodMismatch(campaign.slug, str(period), at, f"{local:%Y-%m-%d %H:%M} {zone}")
    failing = preflight is not None and preflight.errors > 0
    if failing and not forced_by:
        assert preflight is not None
        raise PreflightFailed(campaign.slug, preflight.summary())
    if campaign.approved:  # approved in its campaign.toml: record that approval first
        with database.read() as conn:
            stored = stored_campaigns.find(conn, campaign.slug)
        if stored is None or stored.state == "draft":
            approve(database, campaign, source, by="campaign.toml", now=now)
    with database.write() as conn:
        stored = stored_campaigns.find(conn, campaign.slug, lock=True)
        if stored is None:
            raise Conflict(f"campaign {campaign.slug!r} is not approved; approve it first")
        transition(campaign.slug, stored.state, "schedule")
        if stored.source_hash != source_hash(source):
            approver = stored.approved_by or "campaign.toml"
            raise Conflict(
                f"campaign {campaign.slug!r} changed since {approver} approved it; approve it again"
            )
        forced = forced_by if failing else None
        stored_campaigns.set_schedule(
            conn, stored.id, send_at=send_at, now=now, expected=stored.state, forced_by=forced
        )
    return "scheduled"


def unschedule(database: Database, slug: str, *, now: datetime) -> str:
    """Take a scheduled campaign off the schedule; it stays approved."""
    with database.write() as conn:
        stored = stored_campaigns.find(conn, slug, lock=True)
        if stored is None:
            raise NotFound("campaign", slug)
        target = transition(slug, stored.state, "unschedule")
        stored_campaigns.set_schedule(conn, stored.id, send_at=None, now=now, expected=stored.state)
    return target


def is_approved(database: Database, campaign: Campaign, source: str) -> bool:
    """Approved in its campaign.toml (``approved = true``) or by staff, of this exact text.

    For a folder read from disk (the staff pages); a stored issue's file approval was
    recorded when it was imported, so ``approval_stands`` asks the database alone."""
    return campaign.approved or approval_stands(database, campaign.slug, source)


def approval_stands(database: Database, slug: str, source: str) -> bool:
    """Whether ``slug`` is approved (or scheduled) and the approval names exactly ``source``:
    by staff, or by ``approved = true`` in the folder it was imported from."""
    with database.read() as conn:
        stored = stored_campaigns.find(conn, slug)
        issue = stored_issues.find(conn, slug)
    return workflow.approval_stands(
        stored.state if stored else None,
        stored.source_hash if stored else None,
        issue.file_approval if issue else None,
        source_hash(source),
    )


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
