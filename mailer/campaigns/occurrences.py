"""Carrying out one occurrence of a series: claim it once, find its approved issue, start it.

The claim is an INSERT on UNIQUE(series, period): whoever inserts carries it out, everyone
else (a double fire, a second scheduler, a restart) finds it done. An occurrence past its
deadline is recorded as ``skipped``; one without an approved issue as ``missed``; one whose
issue does not lint as ``failed``; otherwise its campaign is started (``started``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mailer.campaigns import lifecycle, source
from mailer.campaigns.lint import lint_campaign
from mailer.core.campaigns import Campaign
from mailer.db import Database
from mailer.db import campaigns as stored_campaigns
from mailer.db import occurrences as stored
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


@dataclass
class OccurrenceRunner:
    database: Database
    campaigns_dir: Path
    make_composer: Callable[[Campaign], Composer]
    clock: Callable[[], datetime]

    def fire(self, planned: Planned) -> Outcome | None:
        """Claim and carry out ``planned``; None when it was claimed before (nothing done)."""
        now = self.clock()
        late = now > planned.deadline_at
        detail = f"past its deadline ({planned.deadline_at:%Y-%m-%d %H:%M} UTC)" if late else ""
        with self.database.write() as conn:
            claimed = stored.claim(
                conn, series=planned.series, period_key=planned.period,
                planned_at=planned.planned_at, deadline_at=planned.deadline_at,
                state="skipped" if late else "pending", detail=detail, now=now,
            )  # fmt: skip
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
            stored.finish(conn, found.id, state=outcome.state, detail=outcome.detail,
                          campaign_id=campaign_id, now=self.clock())  # fmt: skip
        return self._told(outcome)

    def _decide(self, planned: Planned) -> Outcome:
        series, period = planned.series, planned.period
        if self.clock() > planned.deadline_at:
            return Outcome(series, period, "skipped", "past its deadline")
        issues = source.issues_for(self.campaigns_dir, series, period)
        approved = [(path, issue) for path, issue in issues if issue.approved]
        if not approved:
            drafts = ", ".join(issue.slug for _, issue in issues) or "none"
            detail = f"no approved issue for {series} {period} (drafts: {drafts})"
            return Outcome(series, period, "missed", detail)
        if len(approved) > 1:
            names = ", ".join(issue.slug for _, issue in approved)
            return Outcome(series, period, "failed", f"more than one approved issue: {names}")
        path, issue = approved[0]
        with self.database.read() as conn:
            already = stored_campaigns.find(conn, issue.slug)
        if already is not None and already.state not in {"draft", "approved", "scheduled"}:
            return Outcome(series, period, "started", f"{issue.slug} was already {already.state}",
                           issue.slug)  # fmt: skip
        errors = [
            p for p in lint_campaign(path, self.database, self.make_composer)
            if p.severity == "error"
        ]  # fmt: skip
        if errors:
            listed = "; ".join(str(p) for p in errors[:5])
            return Outcome(series, period, "failed", f"{issue.slug} does not lint: {listed}",
                           issue.slug)  # fmt: skip
        text = source.campaign_file(path).read_text(encoding="utf-8")
        queued = lifecycle.start(self.database, issue, text, now=self.clock())
        return Outcome(series, period, "started", f"{issue.slug}: {queued} deliveries queued",
                       issue.slug, queued)  # fmt: skip

    @staticmethod
    def _told(outcome: Outcome) -> Outcome:
        level = logging.INFO if outcome.state == "started" else logging.WARNING
        log.log(level, "series %s, period %s: %s (%s)", outcome.series, outcome.period,
                outcome.state, outcome.detail)  # fmt: skip
        return outcome


def occurrence_history(
    database: Database, series: str, *, limit: int = 24
) -> list[stored.Occurrence]:
    """A series' occurrences, newest first."""
    with database.read() as conn:
        return stored.history(conn, series, limit=limit)
