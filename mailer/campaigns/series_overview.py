"""Every series at a glance, for the staff pages: its next occurrences (local time and UTC),
whether each of the next periods has an approved issue, and what became of the last ones.

The web reads series only through ``series_schedule`` (the scheduler computes the same dates
with ``mailer.campaigns.recurrence``). It reads and never writes: the folders under
``paths.campaigns`` are imported by the scheduler's poll, not by a page view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mailer.campaigns import lifecycle
from mailer.campaigns.recurrence import occurrences
from mailer.campaigns.series_files import load_series, series_files, series_name
from mailer.core.series import Series, period_of
from mailer.db import Database
from mailer.db import issues as stored_issues
from mailer.db import occurrences as stored_occurrences
from mailer.errors import SeriesInvalid

UPCOMING = 3  # how many next occurrences each series shows
HISTORY = 5  # how many past outcomes


@dataclass(frozen=True)
class Upcoming:
    """One occurrence still to come and the issues that join its period."""

    period: str
    local: datetime  # aware, in the series' zone
    utc: datetime  # naive UTC
    issues: tuple[str, ...]  # slugs whose current revision names this series and period
    approved: tuple[str, ...]  # those whose approval stands: one goes out, none is missed,
    # more than one fails (the scheduler will not guess)

    @property
    def ready(self) -> bool:
        """Exactly one approved issue: the occurrence will send it."""
        return len(self.approved) == 1


@dataclass(frozen=True)
class Past:
    """What became of one occurrence: started, missed, skipped, failed (with the reason), or
    pending while it is being carried out."""

    period: str
    planned_at: datetime  # naive UTC
    state: str
    detail: str


@dataclass(frozen=True)
class SeriesView:
    """One series file: its rule and the occurrences around now; ``problem`` when the file
    has errors (then nothing else is known)."""

    name: str
    description: str = ""
    rule: str = ""
    timezone: str = ""
    deadline: timedelta = timedelta(0)
    upcoming: tuple[Upcoming, ...] = ()
    history: tuple[Past, ...] = ()
    problem: str = ""

    @property
    def next(self) -> Upcoming | None:
        return self.upcoming[0] if self.upcoming else None


def series_schedule(
    database: Database, campaigns_dir: Path, *, now: datetime, count: int = UPCOMING
) -> list[SeriesView]:
    """Every ``*.series.toml`` under ``campaigns_dir``, by name, with its next ``count``
    occurrences after ``now`` (naive UTC) and its last outcomes, newest first."""
    found: list[SeriesView] = []
    for path in series_files(campaigns_dir):
        try:
            series = load_series(path)
        except SeriesInvalid as exc:
            found.append(SeriesView(name=series_name(path), problem=str(exc)))
            continue
        found.append(_view(database, series, now=now, count=count))
    return found


def _view(database: Database, series: Series, *, now: datetime, count: int) -> SeriesView:
    after = now.replace(tzinfo=UTC)
    upcoming = [
        _upcoming(database, series, moment)
        for moment in occurrences(series, after=after, count=count)
    ]
    with database.read() as conn:
        rows = stored_occurrences.history(conn, series.name, limit=HISTORY)
    history = tuple(Past(o.period_key, o.planned_at, o.state, o.detail) for o in rows)
    rule = series.rule if series.kind == "cron" else f"{series.rule} {series.time:%H:%M}"
    return SeriesView(
        name=series.name,
        description=series.description,
        rule=rule,
        timezone=series.timezone,
        deadline=series.deadline,
        upcoming=tuple(upcoming),
        history=history,
    )


def _upcoming(database: Database, series: Series, moment: datetime) -> Upcoming:
    period = period_of(series, moment)
    with database.read() as conn:
        slugs = stored_issues.slugs_of_period(conn, series.name, period)
        texts = {slug: stored_issues.read_text(conn, slug) for slug in slugs}
    approved = [
        slug
        for slug, text in texts.items()
        if text is not None and lifecycle.approval_stands(database, slug, text.text)
    ]
    return Upcoming(
        period=period,
        local=moment,
        utc=moment.astimezone(UTC).replace(tzinfo=None),
        issues=tuple(slugs),
        approved=tuple(approved),
    )
