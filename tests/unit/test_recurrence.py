"""When series fire: every DST transition 2026–2035 in six zones, days 29–31, cron twins, the CLI.

Expected instants are worked out here from the transitions alone (instant and the offsets on
either side), not from zoneinfo's fold handling, so the documented rule is checked, not echoed:
a wall time before the change uses the old offset, after it the new one, and a wall time in the
gap or the overlap uses the old offset (gap: shifted forward by its length; overlap: the first).
"""

from __future__ import annotations

import calendar
import itertools
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailer.campaigns.recurrence import next_after, occurrences, rule_problem
from mailer.core import one_off
from mailer.core.deadlines import parse_deadline
from mailer.core.series import Series, period_of
from mailer.core.series_rules import rule_kind
from mailer.core.times import local_instant
from tests.conftest import REPO, Cli

DST_ZONES = ("Europe/Belgrade", "Europe/London", "America/New_York")
STEADY_ZONES = {"Europe/Minsk": 3, "Asia/Baku": 4, "Asia/Bishkek": 6}  # hours east of UTC
YEARS = range(2026, 2036)
START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2036, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Transition:
    at: datetime  # the instant, UTC
    before: timedelta  # UTC offset until then
    after: timedelta  # UTC offset from then on

    def expected_utc(self, wall: datetime) -> datetime:
        """The instant ``wall`` (naive local, on a day near this transition) fires at."""
        old_clock_ends = (self.at + self.before).replace(tzinfo=None)
        new_clock_starts = (self.at + self.after).replace(tzinfo=None)
        # Before the change, or in its gap (shifted forward) or overlap (the first): the old.
        changed = wall >= max(old_clock_ends, new_clock_starts)
        return (wall - (self.after if changed else self.before)).replace(tzinfo=UTC)

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The wall times that do not exist (spring) or happen twice (autumn), as [start, end)."""
        ends = (self.at + self.before).replace(tzinfo=None)
        starts = (self.at + self.after).replace(tzinfo=None)
        return min(ends, starts), max(ends, starts)


def transitions(zone: str) -> list[Transition]:
    """Every UTC-offset change in [START, END): day steps, then bisection to the second."""
    tz = ZoneInfo(zone)
    found = []
    moment = START
    while moment < END:
        following = moment + timedelta(days=1)
        if moment.astimezone(tz).utcoffset() != following.astimezone(tz).utcoffset():
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
                same = middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            before, after = low.astimezone(tz).utcoffset(), high.astimezone(tz).utcoffset()
            assert before is not None
            assert after is not None
            found.append(Transition(high, before, after))
        moment = following
    return found


ALL_TRANSITIONS = {zone: transitions(zone) for zone in (*DST_ZONES, *STEADY_ZONES)}
DST_CASES = [
    pytest.param(zone, tr, id=f"{zone}-{tr.at:%Y-%m-%d}")
    for zone in DST_ZONES
    for tr in ALL_TRANSITIONS[zone]
]


def series(rule: str, zone: str, at: time | None = None, name: str = "digest") -> Series:
    kind = rule_kind(rule)
    if kind == "cron":
        minute, hour = rule.split()[:2]
        at = time(int(hour), int(minute))
    assert at is not None
    return Series(name, rule, kind, at, zone, parse_deadline("6h"))


def local(
    zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone), fold=fold)


def test_the_dst_zones_change_twice_a_year_and_the_others_never() -> None:
    for zone in DST_ZONES:
        found = ALL_TRANSITIONS[zone]
        assert [t.at.year for t in found] == [year for year in YEARS for _ in range(2)], zone
        assert all(t.after - t.before == timedelta(hours=1) for t in found[0::2]), zone
        assert all(t.after - t.before == -timedelta(hours=1) for t in found[1::2]), zone
    for zone in STEADY_ZONES:
        assert ALL_TRANSITIONS[zone] == [], zone


def times_to_try(tr: Transition) -> list[time]:
    """Inside the gap/overlap (its start and middle), its end, an hour before, and 09:00."""
    start, end = tr.window
    return sorted(
        {
            start.time(),
            (start + (end - start) / 2).time(),
            end.time(),
            (start - timedelta(hours=1)).time(),
            time(9, 0),
        }
    )


@pytest.mark.parametrize(("zone", "tr"), DST_CASES)
def test_daily_rules_around_every_transition(zone: str, tr: Transition) -> None:
    day = tr.window[0].date()
    days = [day + timedelta(days=n) for n in range(-2, 3)]
    for at in times_to_try(tr):
        expected = [tr.expected_utc(datetime.combine(d, at)) for d in days]
        after = datetime.combine(days[0], time(0, 0)).replace(tzinfo=UTC) - timedelta(days=1)
        for rule in ("FREQ=DAILY", f"{at.minute} {at.hour} * * *"):
            found = occurrences(series(rule, zone, at), after=after, count=7)
            found = [m for m in found if m.astimezone(ZoneInfo(zone)).date() <= days[-1]]
            found = [m for m in found if m.astimezone(ZoneInfo(zone)).date() >= days[0]]
            assert [m.astimezone(UTC) for m in found] == expected, (rule, at)
            assert all(m.tzinfo == ZoneInfo(zone) for m in found)
            assert all(m.fold == 0 for m in found)  # an ambiguous time is the first instant
            assert [m.date() for m in found] == days  # one a local day
            start, end = tr.window
            inside = start.time() <= at < end.time()
            shifted = tr.after > tr.before and inside
            walls = [m.time() for m in found]
            moved = (datetime.combine(day, at) + (tr.after - tr.before)).time()
            assert walls == [moved if d == day and shifted else at for d in days], (rule, at)


@pytest.mark.parametrize(("zone", "tr"), DST_CASES)
def test_one_offs_and_series_read_local_times_by_one_rule(zone: str, tr: Transition) -> None:
    """A one-off's ``send_at`` and a series' wall time become the same instant: before, in and
    after each gap or overlap, both land where the transition's offsets say."""
    start, end = tr.window
    walls = [start - timedelta(minutes=1), start, start + (end - start) / 2, end]
    for wall in walls:
        expected = tr.expected_utc(wall)
        assert local_instant(wall, ZoneInfo(zone)).astimezone(UTC) == expected, wall
        assert one_off.to_utc(wall, zone) == expected.replace(tzinfo=None), wall


@pytest.mark.parametrize("zone", DST_ZONES)
def test_a_decade_of_days_at_a_time_that_is_skipped_or_doubled(zone: str) -> None:
    """The daily rule at the middle of the first gap: one occurrence every local day, always
    increasing, at the written time except on spring days (shifted by the hour)."""
    tr = ALL_TRANSITIONS[zone][0]
    start, end = tr.window
    at = (start + (end - start) / 2).time()
    spring = {t.window[0].date() for t in ALL_TRANSITIONS[zone] if t.after > t.before}
    changes = {t.window[0].date(): t for t in ALL_TRANSITIONS[zone]}
    first = date(2026, 1, 1)
    count = (date(2036, 1, 1) - first).days
    tz = ZoneInfo(zone)
    # The crontab form is checked around every transition above; over ten years it is slow.
    for rule in ("FREQ=DAILY",):
        found = occurrences(
            series(rule, zone, at), after=local(zone, 2025, 12, 31, 12), count=count
        )
        utc = [m.astimezone(UTC) for m in found]
        assert all(a < b for a, b in itertools.pairwise(utc))
        assert [m.date() for m in found] == [first + timedelta(days=n) for n in range(count)]
        for moment in found:
            if moment.date() in spring:
                assert moment.time() == (datetime.combine(first, at) + timedelta(hours=1)).time()
            else:
                assert moment.time() == at
            if moment.date() in changes:
                change = changes[moment.date()]
                wall = datetime.combine(moment.date(), at)
                assert moment.astimezone(UTC) == change.expected_utc(wall)
                assert moment.astimezone(UTC).astimezone(tz).fold == 0


@pytest.mark.parametrize(("zone", "hours"), STEADY_ZONES.items())
def test_zones_without_dst_keep_one_offset(zone: str, hours: int) -> None:
    tz = ZoneInfo(zone)
    offsets = {(START + timedelta(hours=n)).astimezone(tz).utcoffset() for n in range(0, 87_700, 6)}
    assert offsets == {timedelta(hours=hours)}
    count = (date(2036, 1, 1) - date(2026, 1, 1)).days
    for rule, at, days in (
        ("FREQ=DAILY", time(2, 30), count),
        ("FREQ=DAILY", time(9), count),
        ("30 2 * * *", None, 366),  # the crontab form: one year is enough (APScheduler is slow)
    ):
        found = occurrences(series(rule, zone, at), after=local(zone, 2025, 12, 31, 12), count=days)
        assert [m.date() for m in found] == [date(2026, 1, 1) + timedelta(n) for n in range(days)]
        assert {m.utcoffset() for m in found} == {timedelta(hours=hours)}
        assert {m.time() for m in found} == {at or time(2, 30)}


def test_the_sample_rule_first_tuesday_in_winter_and_summer() -> None:
    zone = "Europe/Belgrade"
    found = occurrences(
        series("FREQ=MONTHLY;BYDAY=1TU", zone, time(9)), after=local(zone, 2025, 12, 31), count=120
    )
    assert len(found) == 120
    for moment in found:
        assert moment.weekday() == calendar.TUESDAY
        assert moment.day <= 7
        assert moment.time() == time(9)
    months = [(m.year, m.month) for m in found]
    assert months == [(y, m) for y in YEARS for m in range(1, 13)]
    assert [m.isoformat() for m in found[2:4]] == [
        "2026-03-03T09:00:00+01:00",
        "2026-04-07T09:00:00+02:00",  # summer time: 07:00 UTC
    ]
    cron = series("0 9 1-7 * tue", zone)
    assert occurrences(cron, after=local(zone, 2025, 12, 31), count=120) == found
    numeric = series("0 9 1-7 * 2", zone)  # crontab counts from Sunday = 0: 2 is Tuesday
    assert occurrences(numeric, after=local(zone, 2025, 12, 31), count=120) == found


def month_days(day: int) -> list[date]:
    out = []
    for year in YEARS:
        for month in range(1, 13):
            length = calendar.monthrange(year, month)[1]
            if day == -1:
                out.append(date(year, month, length))
            elif day <= length:
                out.append(date(year, month, day))
    return out


@pytest.mark.parametrize("day", [29, 30, 31, -1])
def test_monthly_on_days_29_to_31_and_the_last(day: int) -> None:
    zone = "America/New_York"
    expected = month_days(day)
    rules = [f"FREQ=MONTHLY;BYMONTHDAY={day}"] + ([] if day < 0 else [f"0 9 {day} * *"])
    for rule in rules:
        s = series(rule, zone, time(9))
        found = occurrences(s, after=local(zone, 2026, 1, 1), count=len(expected) + 1)
        found = [m for m in found if m.year < 2036]
        assert [m.date() for m in found] == expected, rule
        assert {m.time() for m in found} == {time(9)}
        keys = [period_of(s, m) for m in found]
        assert len(set(keys)) == len(keys)
        assert keys[0] == f"2026-{expected[0].month:02d}"
    feb = [d for d in expected if d.month == 2]
    if day == 29:
        assert feb == [date(2028, 2, 29), date(2032, 2, 29)]
    elif day == -1:
        assert [d.day for d in feb] == [28, 28, 29, 28, 28, 28, 29, 28, 28, 28]
    else:
        assert feb == []  # RFC 5545: a month without that day is skipped, not moved
    assert len(expected) == {29: 112, 30: 110, 31: 70, -1: 120}[day]


def test_other_rule_forms() -> None:
    zone = "Europe/Belgrade"
    after = local(zone, 2026, 11, 28)

    def dates(rule: str, count: int = 4, at: time | None = time(9)) -> list[str]:
        found = occurrences(series(rule, zone, at), after=after, count=count)
        return [f"{m:%Y-%m-%d %H:%M}" for m in found]

    assert dates("FREQ=MONTHLY", 2) == ["2026-12-01 09:00", "2027-01-01 09:00"]
    assert dates("FREQ=YEARLY", 2) == ["2027-01-01 09:00", "2028-01-01 09:00"]
    assert dates("FREQ=MONTHLY;BYDAY=-1FR", 2) == ["2026-12-25 09:00", "2027-01-29 09:00"]
    assert dates("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", 2) == [
        "2026-11-30 09:00",  # a Monday
        "2026-12-31 09:00",
    ]
    assert dates("FREQ=WEEKLY;BYDAY=MO", 2) == ["2026-11-30 09:00", "2026-12-07 09:00"]
    assert dates("30 8 * * 1", 2, None) == ["2026-11-30 08:30", "2026-12-07 08:30"]  # Monday
    assert dates("0 9 * * 0", 1, None) == dates("0 9 * * 7", 1, None) == ["2026-11-29 09:00"]
    assert dates("FREQ=DAILY;UNTIL=20261130", 9) == [
        "2026-11-28 09:00",
        "2026-11-29 09:00",
        "2026-11-30 09:00",
    ]
    # INTERVAL counts from January 2000: the same months whenever one starts looking.
    every_other = series("FREQ=MONTHLY;INTERVAL=2", zone, time(9))
    early = occurrences(every_other, after=local(zone, 2026, 1, 1), count=12)
    late = occurrences(every_other, after=local(zone, 2026, 6, 15), count=6)
    assert [m.month for m in early[:6]] == [1, 3, 5, 7, 9, 11]
    assert late == [m for m in early if m > local(zone, 2026, 6, 15)][:6]
    weekly = series("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", zone, time(9))
    a = occurrences(weekly, after=local(zone, 2026, 1, 1), count=30)
    b = occurrences(weekly, after=local(zone, 2026, 5, 5), count=10)
    assert b == [m for m in a if m > local(zone, 2026, 5, 5)][:10]


def test_strictly_after_in_instants_not_wall_times() -> None:
    zone = "Europe/Belgrade"
    digest = series("FREQ=MONTHLY;BYDAY=1TU", zone, time(9))
    planned = local(zone, 2026, 12, 1, 9)
    assert next_after(digest, planned) == local(zone, 2027, 1, 5, 9)
    assert next_after(digest, planned - timedelta(microseconds=1)) == planned
    assert next_after(digest, planned.astimezone(UTC) - timedelta(seconds=1)) == planned
    # 25 October 2026, 02:30 happens twice; a daily rule fires at the first. Asked after the
    # second 02:10 (fold=1), the next occurrence is the following day, not the past first 02:30.
    nightly = series("FREQ=DAILY", zone, time(2, 30))
    second_pass = local(zone, 2026, 10, 25, 2, 10, fold=1)
    assert next_after(nightly, second_pass) == local(zone, 2026, 10, 26, 2, 30)
    first_pass = local(zone, 2026, 10, 25, 2, 10, fold=0)
    assert next_after(nightly, first_pass) == local(zone, 2026, 10, 25, 2, 30)
    # 29 March 2026: 02:30 does not exist; asked at 03:10 new time, 03:30 is still to come.
    assert next_after(nightly, local(zone, 2026, 3, 29, 3, 10)).isoformat() == (  # type: ignore[union-attr]
        "2026-03-29T03:30:00+02:00"
    )
    with pytest.raises(ValueError, match="aware"):
        occurrences(nightly, after=datetime(2026, 1, 1), count=1)
    assert occurrences(nightly, after=START, count=0) == []
    ended = series("FREQ=DAILY;UNTIL=20260102", zone, time(9))
    assert occurrences(ended, after=START, count=5) == [
        local(zone, 2026, 1, 1, 9),
        local(zone, 2026, 1, 2, 9),
    ]


def test_local_instant() -> None:
    tz = ZoneInfo("America/New_York")
    assert local_instant(datetime(2026, 3, 8, 2, 30), tz).isoformat() == "2026-03-08T03:30:00-04:00"
    assert (
        local_instant(datetime(2026, 11, 1, 1, 30), tz).isoformat() == "2026-11-01T01:30:00-04:00"
    )
    assert (
        local_instant(datetime(2026, 11, 1, 2, 30), tz).isoformat() == "2026-11-01T02:30:00-05:00"
    )


def test_rule_problem_lets_good_rules_pass() -> None:
    for rule in ("FREQ=MONTHLY;BYDAY=1TU", "0 9 1-7 * tue", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"):
        assert rule_problem(series(rule, "UTC", time(9))) is None


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``mailer`` in-process with the repository's campaigns folder; no database is needed."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("MAILER_"):
            monkeypatch.delenv(name)
    return Cli({"MAILER_CONFIG": "", "MAILER_PATHS__CAMPAIGNS": str(REPO / "campaigns")})


def test_schedule_next_prints_the_sample_series(run: Cli) -> None:
    result = run("schedule", "next", "digest", "--after", "2026-11-28T00:00", "--count", "3")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "2026-12-01T09:00:00+01:00\n2027-01-05T09:00:00+01:00\n2027-02-02T09:00:00+01:00\n"
    )
    by_path = run(
        "schedule",
        "next",
        str(REPO / "campaigns" / "digest.series.toml"),
        "--after",
        "2027-03-02T09:00+01:00",
    )
    assert by_path.output == "2027-04-06T09:00:00+02:00\n"


def test_schedule_next_mistakes(run: Cli, tmp_path: Path) -> None:
    unknown = run("schedule", "next", "weekly")
    assert unknown.exit_code == 2
    assert "no series 'weekly'" in unknown.output
    assert "digest" in unknown.output
    bad_after = run("schedule", "next", "digest", "--after", "next week")
    assert bad_after.exit_code == 2
    assert "is not an ISO date or time" in bad_after.output
    broken = tmp_path / "broken.series.toml"
    broken.write_text('rule = "FREQ=HOURLY"\ntime = "09:00"\ntimezone = "UTC"\ndeadline = "6h"\n')
    result = run("schedule", "next", str(broken))
    assert result.exit_code == 2
    assert f"{broken}: rule: 'FREQ=HOURLY': FREQ=HOURLY is not allowed" in result.output


def test_schedule_list(run: Cli) -> None:
    result = run("schedule", "list", "--after", "2026-11-28")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "series\trule\tdeadline\tnext (local)\tnext (UTC)\tlast outcome",
        "digest\tFREQ=MONTHLY;BYDAY=1TU at 09:00 Europe/Belgrade\t6h"
        "\t2026-12-01T09:00:00+01:00\t2026-12-01T08:00:00Z\t-",
        "\t\t\t2027-01-05T09:00:00+01:00\t2027-01-05T08:00:00Z\t",
        "\t\t\t2027-02-02T09:00:00+01:00\t2027-02-02T08:00:00Z\t",
    ]
