"""The scheduler: APScheduler 3.x jobs that only claim occurrences, one leader at a time.

Each series has one job, a ``DateTrigger`` at its next occurrence; when it fires it schedules
the following occurrence first, then hands the planned one to ``OccurrenceRunner.fire``, whose
claim (UNIQUE(series, period)) makes a double fire or a second scheduler harmless.
Misfire grace is the series' deadline and jobs coalesce, on purpose: a scheduler that was
busy or asleep still fires an occurrence inside its deadline once, and never one past it.
On taking the lead (at start, or when the leader died) it catches up: occurrences claimed
but never carried out are resumed; an occurrence still inside its deadline is fired now; the
latest one past its deadline, if nobody recorded it, is recorded as skipped.
Every poll imports the folders under ``paths.campaigns`` first (a new revision only for a new
text), so series and one-offs find their issues in the database, however they were written.
One-off campaigns (``send_at``, or scheduled by staff) are looked up again at every poll: each
gets a ``DateTrigger`` job of its own and fires through the same ``OccurrenceRunner.fire``;
one already due when found fires at once (recorded as skipped when past its deadline).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from mailer.app import App
from mailer.campaigns.folders import import_all
from mailer.campaigns.occurrences import OccurrenceRunner, OneOff, Outcome, Planned, one_offs
from mailer.campaigns.recurrence import occurrences
from mailer.core.notices import missed_notice
from mailer.core.series import Series, period_of
from mailer.core.times import aware_utc
from mailer.db import occurrences as stored
from mailer.db.leader import Leadership

log = logging.getLogger(__name__)
LOOK_BACK = timedelta(days=400)  # far enough to find the previous occurrence of a yearly rule


def planned_of(series: Series, local: datetime) -> Planned:
    """The stored form of one occurrence: period key, naive-UTC planned time and deadline."""
    planned = local.astimezone(UTC).replace(tzinfo=None)
    return Planned(series.name, period_of(series, local), planned, planned + series.deadline)


def previous(series: Series, now: datetime, *, limit: int = 1000) -> list[datetime]:
    """Occurrences in (now - LOOK_BACK, now], oldest first (aware ``now``)."""
    found = occurrences(series, after=now - LOOK_BACK, count=limit)
    return [moment for moment in found if moment <= now]


@dataclass
class SchedulerService:
    app: App
    series: Sequence[Series]
    poll_seconds: float = 5.0
    outcomes: list[Outcome] = field(default_factory=list)
    leading: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.runner = OccurrenceRunner(
            self.app.database,
            self.app.settings.paths.campaigns,
            self.app.composer,
            lambda: self.clock().replace(tzinfo=None),  # naive UTC, as stored
            self.app.preflight().gate,
        )
        self.leadership = Leadership(self.app.database)
        self._scheduler: AsyncIOScheduler | None = None
        self._fired: set[tuple[str, str]] = set()  # one-offs this process has handed on
        self._one_off_jobs: dict[str, Planned] = {}
        self._told_folders: set[tuple[str, str]] = set()  # import refusals already logged

    def clock(self) -> datetime:
        """Now, aware in UTC, from the app's clock (the only one: a test moves it for all)."""
        return aware_utc(self.app.clock())

    async def run(self, stop: asyncio.Event) -> None:
        """Wait as a standby until this process leads, lead until ``stop`` or the lock is lost."""
        waiting = False
        while not stop.is_set():
            if await asyncio.to_thread(self.leadership.try_lead):
                log.info("scheduler leading", extra={"series": [s.name for s in self.series]})
                waiting = False
                self.leading.set()
                try:
                    await self._lead(stop)
                finally:
                    self.leading.clear()
                    await asyncio.to_thread(self.leadership.release)
            else:
                if not waiting:  # once per wait, not at every poll
                    log.info("scheduler standby: another scheduler leads")
                    waiting = True
                await _wait(stop, self.poll_seconds)

    async def _lead(self, stop: asyncio.Event) -> None:
        await self.catch_up()
        scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler = scheduler
        for series in self.series:
            self._schedule_next(series, after=self.clock())
        scheduler.start()
        try:
            while not stop.is_set():
                await self.refresh_one_offs()
                await _wait(stop, self.poll_seconds)
                if not await asyncio.to_thread(self.leadership.still_leading):
                    log.warning("scheduler lost its lock; waiting as a standby again")
                    return
        finally:
            scheduler.shutdown(wait=False)
            self._scheduler = None
            self._one_off_jobs.clear()

    async def catch_up(self) -> list[Outcome]:
        """What a scheduler taking the lead does first (see the module's docstring)."""
        done = [o for o in await asyncio.to_thread(self.runner.resume_pending) if o]
        now = self.clock()
        for series in self.series:
            past = previous(series, now)
            inside = [m for m in past if now - m <= series.deadline]
            for moment in inside:
                done.extend(await self._fire_now(series, moment))
            late = [m for m in past if now - m > series.deadline]
            if late and not inside and await asyncio.to_thread(self._has_history, series):
                done.extend(await self._fire_now(series, late[-1]))  # recorded as skipped
        done.extend(await self.refresh_one_offs())
        return done

    def import_folders(self) -> None:
        """Import the folders under ``paths.campaigns`` (a new revision only for a new text);
        a folder that cannot be imported is logged once for each reason."""
        campaigns_dir = self.app.settings.paths.campaigns
        _, refused = import_all(self.app.database, campaigns_dir, now=self.app.clock())
        for path, error in refused:
            if (str(path), str(error)) not in self._told_folders:
                self._told_folders.add((str(path), str(error)))
                log.warning("folder not imported", extra={"folder": str(path), "error": str(error)})

    async def refresh_one_offs(self) -> list[Outcome]:
        """Import the folders, fire the one-offs that are due; give each future one a job at
        its time."""
        try:
            await asyncio.to_thread(self.import_folders)
            found = await asyncio.to_thread(one_offs, self.app.database)
        except Exception:
            log.exception("cannot list one-off campaigns")
            return []
        now = self.clock()
        done: list[Outcome] = []
        upcoming: dict[str, OneOff] = {}
        for item in found:
            if (item.planned.series, item.planned.period) in self._fired:
                continue
            if item.planned.planned_at.replace(tzinfo=UTC) <= now:
                done.extend(await self._fire_one_off(item))
            else:
                upcoming[item.planned.series] = item
        if self._scheduler is not None:
            self._schedule_one_offs(upcoming)
        return done

    def _schedule_one_offs(self, upcoming: dict[str, OneOff]) -> None:
        assert self._scheduler is not None
        for name in set(self._one_off_jobs) - set(upcoming):  # unscheduled, or fired
            with contextlib.suppress(JobLookupError):
                self._scheduler.remove_job(name)
            del self._one_off_jobs[name]
        for name, item in upcoming.items():
            if self._one_off_jobs.get(name) == item.planned:
                continue
            planned = item.planned
            grace = (planned.deadline_at - planned.planned_at).total_seconds()
            self._scheduler.add_job(
                self._fire_one_off,
                DateTrigger(run_date=planned.planned_at.replace(tzinfo=UTC)),
                args=[item],
                id=name,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=max(1, int(grace)),
            )
            self._one_off_jobs[name] = item.planned
            log.info(
                "one-off send",
                extra={"campaign": item.slug, "at": item.planned.planned_at.isoformat()},
            )

    async def _fire_one_off(self, item: OneOff) -> list[Outcome]:
        self._fired.add((item.planned.series, item.planned.period))
        self._one_off_jobs.pop(item.planned.series, None)
        try:
            outcome = await asyncio.to_thread(self.runner.fire, item.planned)
        except Exception:
            log.exception("one-off send failed", extra={"campaign": item.slug})
            return []
        if outcome is None:
            return []
        self.outcomes.append(outcome)
        if outcome.state != "started" and item.notify:
            when = f"{item.planned.period} ({item.timezone})"
            what = f"the one-off send of {item.slug!r} planned for {when}"
            await self._notify(item.slug, item.notify, outcome, what)
        return [outcome]

    def _has_history(self, series: Series) -> bool:
        with self.app.database.read() as conn:
            return stored.latest(conn, series.name) is not None

    def _schedule_next(self, series: Series, *, after: datetime) -> None:
        assert self._scheduler is not None
        upcoming = occurrences(series, after=after, count=1)
        if not upcoming:
            return
        moment = upcoming[0]
        self._scheduler.add_job(
            self._fire,
            DateTrigger(run_date=moment),
            args=[series, moment],
            id=series.name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int(series.deadline.total_seconds())),
        )
        log.info("next occurrence", extra={"series": series.name, "at": moment.isoformat()})

    async def _fire(self, series: Series, moment: datetime) -> None:
        try:  # first, so that this occurrence failing never stops the series
            self._schedule_next(series, after=moment)
        except Exception:
            log.exception("cannot schedule the next occurrence", extra={"series": series.name})
        await self._fire_now(series, moment)

    async def _fire_now(self, series: Series, moment: datetime) -> list[Outcome]:
        try:
            outcome = await asyncio.to_thread(self.runner.fire, planned_of(series, moment))
        except Exception:
            log.exception("occurrence failed", extra={"series": series.name})
            return []
        if outcome is None:
            return []
        self.outcomes.append(outcome)
        if outcome.state != "started" and series.notify:
            what = f"the {outcome.period} occurrence of the series {series.name!r}"
            await self._notify(series.name, series.notify, outcome, what)
        return [outcome]

    async def _notify(self, name: str, notify: Sequence[str], outcome: Outcome, what: str) -> None:
        subject, text = missed_notice(name, outcome.period, outcome.state, outcome.detail, what)
        ref = f"{name}.{outcome.period.replace(':', '')}"
        await self.app.tell_staff(notify, subject, text, about=name, ref=ref)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
