"""Carrying out one occurrence of a series: claim it once, find its approved issue, start it.

The claim is an INSERT on UNIQUE(series, period): whoever inserts carries it out, everyone
else (a double fire, a second scheduler, a restart) finds it done. An occurrence past its
deadline is recorded as ``skipped``; one without an approved issue as ``missed``; one whose
issue does not lint as ``failed``; otherwise its campaign is started (``started``).

One-off campaigns (``send_at`` in campaign.toml, or scheduled by staff) take the same path as
the pseudo-series ``once:<slug>`` (see ``mailer.core.one_off``); ``one_offs`` lists them.

Issues are found in the database: the series' issue of a period is the stored issue whose
current revision names that series and period. The folders under ``paths.campaigns`` are
imported first (``mailer.campaigns.folders``), so what fires is what is on disk at that moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mailer.campaigns import folders, lifecycle, source
from mailer.campaigns.lint import lint_campaign
from mailer.core import one_off
from mailer.core.campaigns import Campaign
from mailer.core.issue_text import IssueText
from mailer.core.issue_workflow import BY_FILE
from mailer.core.preflight import Report
from mailer.db import Database
from mailer.db import campaigns as stored_campaigns
from mailer.db import issues as stored_issues
from mailer.db import occurrences as stored
from mailer.errors import MailerError
from mailer.render.compose import Composer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Planned:
    series: str
    period: str
    planned_at: datetime  # naive UTC
    deadline_at: datetime  # naive UTC


@dataclass(frozen=True)
class Outcome:
    series: str
    period: str
    state: str  # started | missed | skipped | failed
    detail: str
    slug: str | None = None
    queued: int = 0


@dataclass(frozen=True)
class OneOff:
    slug: str
    planned: Planned
    timezone: str
    notify: tuple[str, ...]
    by: str  # "campaign.toml" or the staff member who scheduled it


def one_offs(database: Database, campaigns_dir: Path | None = None) -> list[OneOff]:
    """Every one-off send still to be carried out, by planned time.

    Stored issues with ``send_at`` and no series, unless their campaign was started, sent or
    cancelled already; and campaigns staff scheduled, whose ``send_at`` wins over the issue's.
    The scheduler imports the folders first (``mailer.campaigns.folders``); ``campaigns_dir``
    only gives the time zone of a campaign scheduled on a staff page whose folder nobody
    imported yet (the staff pages read folders until they read stored issues).
    """
    with database.read() as conn:
        states = stored_campaigns.states(conn)
        scheduled = stored_campaigns.scheduled(conn)
        candidates = [
            slug
            for slug in stored_issues.one_off_slugs(conn)
            if states.get(slug, "draft") in {"draft", "approved", "scheduled"}
        ]
        texts = {
            slug: stored_issues.read_text(conn, slug)
            for slug in {*candidates, *(row.slug for row in scheduled)}
        }
    found: dict[str, OneOff] = {}
    for slug in candidates:
        text = texts.get(slug)
        issue = text.campaign if text else None
        if issue is None or not issue.send_at or "series" in issue.extra:
            continue
        found[slug] = _one_off(issue, one_off.to_utc(issue.send_at, issue.timezone), BY_FILE)
    for row in scheduled:
        assert row.send_at is not None
        text = texts.get(row.slug)
        loaded = text.campaign if text else None
        if text is None and campaigns_dir is not None:  # approved on a staff page, not imported
            loaded, _ = source.load(campaigns_dir / row.slug)
        found[row.slug] = _one_off(loaded, row.send_at, row.approved_by or "staff", slug=row.slug)
    return sorted(found.values(), key=lambda item: item.planned.planned_at)


def _one_off(issue: Campaign | None, planned_at: datetime, by: str, *, slug: str = "") -> OneOff:
    slug = issue.slug if issue else slug
    zone = (issue.timezone if issue else None) or "UTC"
    deadline = (issue.deadline if issue else None) or one_off.DEFAULT_DEADLINE
    period = one_off.period_key(one_off.to_local(planned_at, zone))
    planned = Planned(one_off.series_key(slug), period, planned_at, planned_at + deadline)
    return OneOff(slug, planned, zone, issue.notify if issue else (), by)


@dataclass
class OccurrenceRunner:
    database: Database
    # folders imported before an occurrence looks for its issue (None: the database only)
    campaigns_dir: Path | None
    make_composer: Callable[[Campaign], Composer]
    clock: Callable[[], datetime]
    # the preflight gate (``Preflight.gate``): a report to pass, or None when the gate is off
    preflight: Callable[[IssueText], Report | None] | None = None

    def fire(self, planned: Planned) -> Outcome | None:
        """Claim and carry out ``planned``; None when it was claimed before (nothing done)."""
        now = self.clock()
        late = now > planned.deadline_at
        detail = f"past its deadline ({planned.deadline_at:%Y-%m-%d %H:%M} UTC)" if late else ""
        with self.database.write() as conn:
            claimed = stored.claim(
                conn,
                series=planned.series,
                period_key=planned.period,
                planned_at=planned.planned_at,
                deadline_at=planned.deadline_at,
                state="skipped" if late else "pending",
                detail=detail,
                now=now,
            )
        if not claimed:
            return None
        if late:
            return self._told(Outcome(planned.series, planned.period, "skipped", detail))
        return self._carry_out(planned)

    def resume_pending(self) -> list[Outcome]:
        """Carry out occurrences claimed by a process that died before finishing them."""
        with self.database.read() as conn:
            waiting = stored.pending(conn)
        return [
            self._carry_out(Planned(o.series, o.period_key, o.planned_at, o.deadline_at))
            for o in waiting
        ]

    def _carry_out(self, planned: Planned) -> Outcome:
        outcome = self._decide(planned)
        with self.database.write() as conn:
            found = stored.find(conn, planned.series, planned.period)
            assert found is not None
            campaign_id = None
            if outcome.slug is not None and outcome.state == "started":
                campaign = stored_campaigns.find(conn, outcome.slug)
                campaign_id = campaign.id if campaign else None
            stored.finish(
                conn,
                found.id,
                state=outcome.state,
                detail=outcome.detail,
                campaign_id=campaign_id,
                now=self.clock(),
            )
        return self._told(outcome)

    def _decide(self, planned: Planned) -> Outcome:
        series, period = planned.series, planned.period
        if self.clock() > planned.deadline_at:
            return Outcome(series, period, "skipped", "past its deadline")
        self._import_folders()
        slug = one_off.slug_of(series)
        if slug is None:
            issues = self._issues_of(series, period)
        else:
            found = self._stored(slug)
            if found is None or found.campaign is None:
                detail = f"{slug}: no stored issue, or it does not parse (mailer campaign lint)"
                return Outcome(series, period, "failed", detail, slug)
            issues = [found]
        approved = [
            issue
            for issue in issues
            if lifecycle.approval_stands(self.database, issue.slug, issue.text)
        ]
        if not approved:
            drafts = ", ".join(issue.slug for issue in issues) or "none"
            what = (
                f"{slug} was not approved by its send time"
                if slug
                else (f"no approved issue for {series} {period} (drafts: {drafts})")
            )
            return Outcome(series, period, "missed", what, slug)
        if len(approved) > 1:
            names = ", ".join(issue.slug for issue in approved)
            return Outcome(series, period, "failed", f"more than one approved issue: {names}")
        issue = approved[0]
        campaign = issue.campaign
        assert campaign is not None
        with self.database.read() as conn:
            already = stored_campaigns.find(conn, issue.slug)
        if already is not None and already.state not in {"draft", "approved", "scheduled"}:
            return Outcome(
                series, period, "started", f"{issue.slug} was already {already.state}", issue.slug
            )
        errors = [
            p
            for p in lint_campaign(issue, self.database, self.make_composer)
            if p.severity == "error"
        ]
        if errors:
            listed = "; ".join(str(p) for p in errors[:5])
            return Outcome(
                series, period, "failed", f"{issue.slug} does not lint: {listed}", issue.slug
            )
        refused = self._preflight_refuses(issue)
        if refused:
            return Outcome(series, period, "failed", refused, issue.slug)
        queued = lifecycle.start(self.database, campaign, issue.text, now=self.clock())
        return Outcome(
            series,
            period,
            "started",
            f"{issue.slug}: {queued} deliveries queued",
            issue.slug,
            queued,
        )

    def _import_folders(self) -> None:
        """The folders as they are now: an edit made on disk since the last poll counts."""
        if self.campaigns_dir is None:
            return
        try:
            _, refused = folders.import_all(self.database, self.campaigns_dir, now=self.clock())
        except MailerError as exc:  # the stored issues are still there to decide on
            log.warning("folders not imported: %s", exc)
            return
        for path, error in refused:
            log.warning("folder not imported: %s: %s", path, error)

    def _issues_of(self, series: str, period: str) -> list[IssueText]:
        """The stored issues that join ``series`` for ``period`` and parse."""
        with self.database.read() as conn:
            slugs = stored_issues.slugs_of_period(conn, series, period)
        found = [self._stored(slug) for slug in slugs]
        return [
            issue
            for issue in found
            if issue is not None
            and issue.campaign is not None
            and str(issue.campaign.extra.get("series")) == series
            and str(issue.campaign.extra.get("period")) == period
        ]

    def _stored(self, slug: str) -> IssueText | None:
        with self.database.read() as conn:
            return stored_issues.read_text(conn, slug)

    def _preflight_refuses(self, issue: IssueText) -> str:
        """Why preflight stops this send ("" when it passes, is off, or an approver forced
        this exact text through when scheduling it)."""
        report = self.preflight(issue) if self.preflight is not None else None
        if report is None or not report.errors:
            return ""
        with self.database.read() as conn:
            stored = stored_campaigns.find(conn, issue.slug)
        if (
            stored is not None
            and stored.preflight_forced_by
            and (stored.source_hash == lifecycle.source_hash(issue.text))
        ):
            forced_by, listed = stored.preflight_forced_by, "; ".join(report.summary())
            message = "%s goes out despite failing preflight (%s decided): %s"
            log.warning(message, issue.slug, forced_by, listed)
            return ""
        listed = "; ".join(report.summary())
        return f"{issue.slug} fails preflight: {listed} (`mailer preflight {issue.slug}`)"

    @staticmethod
    def _told(outcome: Outcome) -> Outcome:
        level = logging.INFO if outcome.state == "started" else logging.WARNING
        log.log(
            level,
            "series %s, period %s: %s (%s)",
            outcome.series,
            outcome.period,
            outcome.state,
            outcome.detail,
        )
        return outcome


def occurrence_history(
    database: Database, series: str, *, limit: int = 24
) -> list[stored.Occurrence]:
    """A series' occurrences, newest first."""
    with database.read() as conn:
        return stored.history(conn, series, limit=limit)
