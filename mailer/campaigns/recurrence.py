"""When a series fires: its rule's local dates and times, turned into instants in its zone.

Both rule kinds first name *wall-clock* times (naive, as a calendar on the wall reads): an RRULE
through ``dateutil.rrule`` with a DTSTART at the series' time of day, a crontab line through
APScheduler's ``CronTrigger`` run on a UTC clock, where no daylight saving exists, so it is a
pure calendar. Only then does ``local_instant`` (``mailer.core.times``, the rule one-off
campaigns follow too) apply the zone, so one rule covers both kinds:

- a time that does not exist that day (clocks jump 02:00 → 03:00, the series says 02:30) fires
  as much later as the clocks jumped: 03:30 new time;
- a time that happens twice (clocks fall back 03:00 → 02:00, the series says 02:30) fires
  once, at the first of the two instants (``fold=0``, still on summer time).

An RRULE's INTERVAL counts from Monday 3 January 2000 (DAILY, WEEKLY) or January 2000 (MONTHLY,
YEARLY), so "every other month" means the same months on every machine and at every start.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped, unused-ignore]
from dateutil.rrule import rrulestr  # type: ignore[import-untyped, unused-ignore]

from mailer.core.series import Series
from mailer.core.series_rules import CRON_WEEKDAYS, cron_weekdays, rrule_parts
from mailer.core.times import local_instant

ANCHOR = date(2000, 1, 3)  # a Monday in January: where INTERVAL starts counting
MARGIN = timedelta(days=1)  # wider than any clock change, so a shifted time is never missed
_SECOND = timedelta(microseconds=1)  # CronTrigger rounds up to the next whole second


def occurrences(series: Series, *, after: datetime, count: int) -> list[datetime]:
    """The next ``count`` occurrences strictly after the aware ``after``, as aware local times
    (``tzinfo`` is the series' zone), in order. Fewer when the rule ends (RRULE UNTIL).
    """
    if after.tzinfo is None:
        raise ValueError("after must be an aware datetime")
    zone = series.zone
    after_utc = after.astimezone(UTC)
    start = after_utc.astimezone(zone).replace(tzinfo=None) - MARGIN
    found: list[datetime] = []
    last = after_utc
    if count < 1:
        return found
    for wall in wall_times(series, start):
        moment = local_instant(wall, zone)
        # Compared in UTC: between two times of one zone Python ignores fold.
        if moment.astimezone(UTC) > last:
            found.append(moment)
            last = moment.astimezone(UTC)
            if len(found) == count:
                break
    return found


def next_after(series: Series, after: datetime) -> datetime | None:
    """The first occurrence strictly after the aware ``after``; ``None`` if the rule has ended."""
    found = occurrences(series, after=after, count=1)
    return found[0] if found else None


def rule_problem(series: Series) -> str | None:
    """What the rule libraries find wrong with a rule ``mailer.core.series`` accepted, if any."""
    try:
        first = next(wall_times(series, datetime(2000, 1, 1)), None)
    except (ValueError, TypeError, OverflowError) as exc:
        return f"{series.rule!r}: {exc}"
    if first is None:
        return f"{series.rule!r} names no date at all (e.g. 31 February); check the day and month"
    return None


def wall_times(series: Series, start: datetime) -> Iterator[datetime]:
    """The rule's naive local times from ``start`` (inclusive) on, before any zone is applied."""
    if series.kind == "rrule":
        return _rrule_times(series, start)
    return _cron_times(series, start)


def _rrule_times(series: Series, start: datetime) -> Iterator[datetime]:
    parts = rrule_parts(series.rule)
    if len(parts.get("UNTIL", "")) == 8:
        parts["UNTIL"] += "T235959"  # a date alone includes that day
    text = ";".join(f"{name}={value}" for name, value in parts.items())
    dtstart = datetime.combine(_aligned_start(parts, start.date()), series.time)
    rule = rrulestr(text, dtstart=dtstart, cache=False)
    for wall in rule:
        if wall >= start:
            yield wall


def _aligned_start(parts: dict[str, str], day: date) -> date:
    """A DTSTART at least one INTERVAL before ``day``, on the grid counted from ANCHOR.

    It falls on the first day of its month (of its year for YEARLY), so a rule that names no
    day fires on the 1st (1 January), never on a day that depends on when we looked.
    """
    freq, step = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    if freq == "YEARLY":
        years = day.year - ANCHOR.year
        return date(ANCHOR.year + (years // step - 1) * step, 1, 1)
    if freq == "MONTHLY":
        months = (day.year - ANCHOR.year) * 12 + day.month - 1
        first = (months // step - 1) * step
        return date(ANCHOR.year + first // 12, first % 12 + 1, 1)
    unit = 7 if freq == "WEEKLY" else 1
    periods = (day - ANCHOR).days // (unit * step)
    return ANCHOR + timedelta(days=(periods - 1) * step * unit)


def crontab_for_apscheduler(rule: str) -> str:
    """The crontab line with its day of week spelt as names.

    APScheduler 3.x numbers weekdays from Monday = 0, crontab from Sunday = 0; names mean the
    same to both, so ``0 9 * * 1`` stays Monday.
    """
    fields = rule.split()
    if fields[4] != "*":
        fields[4] = ",".join(CRON_WEEKDAYS[day] for day in sorted(cron_weekdays(fields[4])))
    return " ".join(fields)


def _cron_times(series: Series, start: datetime) -> Iterator[datetime]:
    trigger = CronTrigger.from_crontab(crontab_for_apscheduler(series.rule), timezone=UTC)
    cursor = start.replace(tzinfo=UTC)  # a UTC clock as a calendar of local wall times
    while True:
        fire: datetime | None = trigger.get_next_fire_time(None, cursor)
        if fire is None:
            return
        yield fire.replace(tzinfo=None)
        cursor = fire + _SECOND
