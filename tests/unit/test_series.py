"""Series files: every key, the mistakes staff can make and what they are told, period keys."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from mailer.campaigns.series_files import load_series, series_files
from mailer.core.deadlines import format_deadline, parse_deadline
from mailer.core.series import Series, check_series, parse_series, period_of
from mailer.errors import SeriesInvalid

FILE = "campaigns/digest.series.toml"
REPO = Path(__file__).resolve().parents[2]
VALID: dict[str, Any] = {
    "rule": "FREQ=MONTHLY;BYDAY=1TU",
    "time": "09:00",
    "timezone": "Europe/Belgrade",
    "deadline": "6h",
}


def problems_of(data: dict[str, Any], name: str = "digest") -> list[str]:
    series, problems = check_series(name, data, FILE)
    assert (series is None) == bool(problems)
    return [str(problem) for problem in problems]


def one_problem(data: dict[str, Any], name: str = "digest") -> str:
    found = problems_of(data, name)
    assert len(found) == 1, found
    return found[0]


def test_every_key_is_read() -> None:
    data = {
        **VALID,
        "description": "  Monthly digest ",
        "notify": ["Comms@Example.ORG", "lead@example.org", "comms@example.org"],
    }
    series = parse_series("digest", data, FILE)
    assert series == Series(
        name="digest",
        rule="FREQ=MONTHLY;BYDAY=1TU",
        kind="rrule",
        time=time(9, 0),
        timezone="Europe/Belgrade",
        deadline=timedelta(hours=6),
        notify=("Comms@example.org", "lead@example.org"),  # domain lower-cased, repeats dropped
        description="Monthly digest",
    )
    assert series.period_unit == "month"


def test_optional_keys_have_defaults_and_toml_times_work() -> None:
    series = parse_series("weekly-1", {**VALID, "time": time(7, 30)}, FILE)
    assert (series.notify, series.description, series.time) == ((), "", time(7, 30))


def test_the_sample_series_file() -> None:
    path = REPO / "campaigns" / "digest.series.toml"
    assert path in series_files(REPO / "campaigns")
    series = load_series(path)
    assert (series.name, series.rule, series.kind) == ("digest", "FREQ=MONTHLY;BYDAY=1TU", "rrule")
    assert (series.time, series.timezone, series.deadline) == (
        time(9, 0),
        "Europe/Belgrade",
        timedelta(hours=6),
    )
    assert series.notify == ("comms@example.org",)


def test_series_files_lists_only_series(tmp_path: Path) -> None:
    (tmp_path / "b.series.toml").write_text("")
    (tmp_path / "a.series.toml").write_text("")
    (tmp_path / "notes.toml").write_text("")
    (tmp_path / "2026-12-digest").mkdir()
    assert [p.name for p in series_files(tmp_path)] == ["a.series.toml", "b.series.toml"]
    assert series_files(tmp_path / "missing") == []


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        ("rule", "rule: is missing"),
        ("time", "time: is missing"),
        ("timezone", "timezone: is missing"),
        ("deadline", "deadline: is missing"),
    ],
)
def test_required_keys(missing: str, expected: str) -> None:
    data = {k: v for k, v in VALID.items() if k != missing}
    assert one_problem(data).startswith(f"{FILE}: {expected}")


def test_unknown_keys_are_errors_naming_the_known_ones() -> None:
    found = one_problem({**VALID, "tz": "Europe/Belgrade"})
    assert found.startswith(f"{FILE}: tz: unknown key; known keys: deadline, description")


def test_every_problem_is_reported_at_once() -> None:
    found = problems_of({"rule": "FREQ=HOURLY", "time": "9", "timezone": "Mars/Base", "x": 1})
    assert [p.split(": ")[1] for p in found] == ["x", "timezone", "rule", "time", "deadline"]
    with pytest.raises(SeriesInvalid) as caught:
        parse_series("digest", {"x": 1}, FILE)
    assert f"{FILE} has errors" in str(caught.value)
    assert f"{FILE}: x: unknown key" in str(caught.value)


@pytest.mark.parametrize("name", ["Digest", "-digest", "digest_2", "d" * 64, ""])
def test_series_name_comes_from_the_file_name(name: str) -> None:
    assert "must be lower-case letters, digits and hyphens" in one_problem(VALID, name)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("Europe/Belgrad", "timezone: 'Europe/Belgrad' is not an IANA time zone"),
        ("../etc/passwd", "is not an IANA time zone"),
        (1, "timezone: must be an IANA time zone name"),
    ],
)
def test_bad_timezone(value: object, fragment: str) -> None:
    assert fragment in one_problem({**VALID, "timezone": value})


@pytest.mark.parametrize("value", ["9:00", "9am", "25:00", "09:60", "", 9, "2026-12-01T09:00"])
def test_bad_time(value: object) -> None:
    assert 'is not a local time of day such as "09:00"' in one_problem({**VALID, "time": value})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6h", timedelta(hours=6)),
        ("2d", timedelta(days=2)),
        ("90m", timedelta(minutes=90)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1h 30m", timedelta(minutes=90)),
        ("6H", timedelta(hours=6)),
        ("PT6H", timedelta(hours=6)),
        ("pt90m", timedelta(minutes=90)),
        ("P1DT12H", timedelta(days=1, hours=12)),
        ("P2D", timedelta(days=2)),
        ("P1W", timedelta(days=7)),
        ("PT3600S", timedelta(hours=1)),
        ("28d", timedelta(days=28)),
    ],
)
def test_deadline_forms(text: str, expected: timedelta) -> None:
    assert parse_deadline(text) == expected
    assert parse_series("digest", {**VALID, "deadline": text}, FILE).deadline == expected
    assert parse_deadline(format_deadline(expected)) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("6", "'6' is not a duration such as 6h, 2d, 90m, 1d12h or PT6H"),
        ("6x", "is not a duration"),
        ("PT", "is not a duration"),
        ("P1DT", "is not a duration"),
        ("", "is not a duration"),
        ("h", "is not a duration"),
        ("0h", "must be longer than zero"),
        ("PT0S", "must be longer than zero"),
        ("29d", "must be at most 28 days"),
        ("P1M", "months and years have no fixed length"),
        ("P1Y", "months and years have no fixed length"),
        (6, 'must be text such as "6h"'),
    ],
)
def test_bad_deadline(value: object, fragment: str) -> None:
    found = one_problem({**VALID, "deadline": value})
    assert found.startswith(f"{FILE}: deadline: ")
    assert fragment in found


def test_notify_addresses_are_validated_one_by_one() -> None:
    found = problems_of({**VALID, "notify": ["comms@example.org", "not an address", 7]})
    assert found[0].startswith(f"{FILE}: notify[1]: 'not an address' is not a valid address")
    assert found[1] == f"{FILE}: notify[2]: must be an email address, not int"
    assert "notify: must be a list of addresses" in one_problem({**VALID, "notify": "a@b.org"})


def test_description_must_be_text() -> None:
    assert one_problem({**VALID, "description": 5}) == f"{FILE}: description: must be text, not int"


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("FREQ=MONTHLY;COUNT=12", "COUNT cannot be used"),
        ("FREQ=DAILY;BYHOUR=9", "the time of day comes from the `time` key, not BYHOUR"),
        ("FREQ=DAILY;BYMINUTE=30", "not BYMINUTE"),
        ("FREQ=HOURLY", "FREQ=HOURLY is not allowed: a series goes out at most once a day"),
        ("FREQ=MINUTELY", "is not allowed"),
        ("BYDAY=1TU", "FREQ is missing"),
        ("FREQ=WEEKLY", "a weekly rule needs its day(s), e.g. BYDAY=MO"),
        ("FREQ=MONTHLY;BYDAY=1XX", "BYDAY: '1XX' is not a weekday such as TU, 1TU or -1FR"),
        ("FREQ=MONTHLY;BYDAY=6TU", "the number counts weekdays in the month"),
        ("FREQ=WEEKLY;BYDAY=1TU", "a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY: '32' is not a whole number in 1…31"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY: '0'"),
        ("FREQ=MONTHLY;BYMONTH=13", "BYMONTH: '13'"),
        ("FREQ=MONTHLY;INTERVAL=0", "INTERVAL: '0'"),
        ("FREQ=MONTHLY;UNTIL=20271231T000000Z", "UNTIL must be a local date YYYYMMDD"),
        ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "never meet (like 30 February)"),
        ("FREQ=MONTHLY;BYEASTER=0", "unknown part BYEASTER"),
        ("FREQ=MONTHLY;FREQ=DAILY", "FREQ is given twice"),
        ("FREQ=MONTHLY;BYDAY", "'BYDAY' is not NAME=VALUE"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs a set to pick from"),
        ("FREQ=DAILY;BYWEEKNO=1", "BYWEEKNO works only with FREQ=YEARLY"),
        ("FREQ=MONTHLY;WKST=XX", "WKST must be one of"),
    ],
)
def test_bad_rrule(rule: str, fragment: str) -> None:
    found = one_problem({**VALID, "rule": rule})
    assert found.startswith(f"{FILE}: rule: {rule!r}: ")
    assert fragment in found


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("0 9 * *", "a crontab line has 5 fields (minute hour day-of-month month day-of-week)"),
        ("0 9 1 * * 2026", "not 6"),
        ("*/15 9 * * *", "minute and hour must each be one number"),
        ("0 9,17 * * *", "minute and hour must each be one number"),
        ("0 24 * * *", "minute must be 0-59 and hour 0-23"),
        ("0 9 32 * *", "day of month field '32': 32 is outside 1-31"),
        ("0 9 L * *", "day of month field 'L': 'l' is not a number"),
        ("0 9 * 13 *", "month field '13'"),
        ("0 9 * * 8", "day of week field '8': 8 is outside 0-7"),
        ("0 9 * * fri-mon", "range 'fri-mon' runs backwards"),
        ("0 9 * * tue/0", "a step must be 1 or more"),
        ("0 9 30 feb *", "never meet (like 30 February)"),
    ],
)
def test_bad_cron(rule: str, fragment: str) -> None:
    found = one_problem({k: v for k, v in VALID.items() if k != "time"} | {"rule": rule})
    assert found.startswith(f"{FILE}: rule: {rule!r}: ")
    assert fragment in found


def test_cron_carries_its_own_time_and_forbids_the_time_key() -> None:
    data = {k: v for k, v in VALID.items() if k != "time"} | {"rule": "30 8 1 * *"}
    series = parse_series("digest", data, FILE)
    assert (series.kind, series.time) == ("cron", time(8, 30))
    found = one_problem({**data, "time": "09:00"})
    assert found.startswith(f"{FILE}: time: a crontab rule has its own minute and hour")


@pytest.mark.parametrize(
    ("rule", "unit"),
    [
        ("FREQ=MONTHLY;BYDAY=1TU", "month"),
        ("RRULE:freq=monthly;byday=-1fr", "month"),
        ("FREQ=MONTHLY", "month"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "month"),
        ("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15", "month"),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "month"),
        ("FREQ=YEARLY;BYMONTH=1,4,7,10", "month"),
        ("FREQ=MONTHLY;BYDAY=TU", "day"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "day"),
        ("FREQ=MONTHLY;BYDAY=1TU,3TU", "day"),
        ("FREQ=WEEKLY;BYDAY=MO", "day"),
        ("FREQ=DAILY", "day"),
        ("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", "day"),
        ("0 9 1 * *", "month"),
        ("0 9 1-7 * tue", "month"),
        ("0 9 25-31 * fri", "month"),
        ("0 9 1 1,4,7,10 *", "month"),
        ("0 9 1,15 * *", "day"),
        ("0 9 1-7 * *", "day"),
        ("0 9 1-8 * tue", "day"),
        ("0 9 * * mon", "day"),
        ("0 9 * * *", "day"),
    ],
)
def test_period_unit(rule: str, unit: str) -> None:
    data = {k: v for k, v in VALID.items() if k != "time" or "FREQ" in rule.upper()}
    assert parse_series("digest", {**data, "rule": rule}, FILE).period_unit == unit


def test_period_keys() -> None:
    monthly = parse_series("digest", VALID, FILE)
    daily = parse_series("daily", {**VALID, "rule": "FREQ=DAILY"}, FILE)
    planned = datetime(2026, 12, 1, 9, tzinfo=monthly.zone)
    assert period_of(monthly, planned) == "2026-12"
    assert period_of(daily, planned) == "2026-12-01"
    # An aware time in another zone is read in the series' zone; a naive one is local already.
    assert period_of(monthly, datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "2026-12"
    assert period_of(daily, datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "2026-12-01"
    assert period_of(daily, datetime(2026, 11, 30, 23, 30)) == "2026-11-30"


def test_load_series_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "digest.series.toml"
    broken.write_text('rule = "FREQ=MONTHLY\n')
    with pytest.raises(SeriesInvalid, match=r"digest\.series\.toml: not valid TOML"):
        load_series(broken)
    wrong = tmp_path / "digest.toml"
    wrong.write_text("")
    with pytest.raises(SeriesInvalid, match=r"a series file is named <name>\.series\.toml"):
        load_series(wrong)
    with pytest.raises(SeriesInvalid, match="not found"):
        load_series(tmp_path / "gone.series.toml")
    broken.write_text('rule = "FREQ=MONTHLY"\ntime = "09:00"\ntimezone = "UTC"\ndeadlin = "6h"\n')
    with pytest.raises(SeriesInvalid) as caught:
        load_series(broken)
    assert [str(p) for p in caught.value.problems] == [
        f"{broken}: deadlin: unknown key; known keys: deadline, description, notify, rule, "
        "time, timezone",
        f"{broken}: deadline: is missing: how late after the planned time it may still go out, "
        'e.g. "6h"',
    ]
