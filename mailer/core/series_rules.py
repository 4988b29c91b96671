"""What a series' rule may say: the RFC 5545 RRULE subset and five-field crontab lines.

``syntax_problem`` says what is wrong with a rule (``None`` when it is valid), ``period_unit``
whether a valid rule fires at most once a calendar month; ``rrule_parts``, ``cron_values`` and
``cron_weekdays`` read a rule's parts for ``mailer.campaigns.recurrence``. A series goes out at
most once a day, so a rule that could fire more often is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, Literal

from mailer.core.text import is_ascii_digits

RuleKind = Literal["cron", "rrule"]
PeriodUnit = Literal["month", "day"]

FREQS: Final = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
RRULE_PARTS: Final = frozenset(
    {
        "FREQ",
        "INTERVAL",
        "UNTIL",
        "BYMONTH",
        "BYMONTHDAY",
        "BYDAY",
        "BYSETPOS",
        "BYYEARDAY",
        "BYWEEKNO",
        "WKST",
    }
)
_REFUSED_PARTS: Final = {
    "COUNT": "COUNT cannot be used (a series has no first occurrence to count from); "
    "end it with UNTIL=YYYYMMDD",
    "BYHOUR": "the time of day comes from the `time` key, not BYHOUR",
    "BYMINUTE": "the time of day comes from the `time` key, not BYMINUTE",
    "BYSECOND": "the time of day comes from the `time` key, not BYSECOND",
    "DTSTART": "DTSTART cannot be used; the time of day comes from the `time` key",
}
WEEKDAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY: Final = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL: Final = re.compile(r"\d{8}(T\d{6})?")

# Names crontab accepts, counted from the field's lowest value (January = 1, Sunday = 0).
CRON_MONTHS: Final = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
CRON_WEEKDAYS: Final = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # 0 (and 7) is Sunday
_CRON_ELEMENT: Final = re.compile(r"(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(\d+))?")

_MONTH_LENGTHS: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def rule_kind(rule: str) -> RuleKind:
    """An RRULE is made of ``NAME=VALUE`` parts; anything else is read as a crontab line."""
    return "rrule" if "=" in rule or rule.upper().startswith("RRULE:") else "cron"


def rrule_parts(rule: str) -> dict[str, str]:
    """``FREQ=MONTHLY;BYDAY=1TU`` as ``{"FREQ": "MONTHLY", "BYDAY": "1TU"}``.

    Upper-cased, without an ``RRULE:`` prefix and blanks; raises ``ValueError`` on a part that
    is not ``NAME=VALUE`` or is given twice.
    """
    text = re.sub(r"\s+", "", rule).upper()
    text = text.removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for part in filter(None, text.split(";")):
        name, sep, value = part.partition("=")
        if not sep or not name or not value:
            raise ValueError(f"{part!r} is not NAME=VALUE")
        if name in parts:
            raise ValueError(f"{name} is given twice")
        parts[name] = value
    return parts


def cron_values(field: str, low: int, high: int, names: tuple[str, ...] = ()) -> frozenset[int]:
    """The values one crontab field selects: ``*``, ``*/2``, ``5``, ``1-7``, ``mon-fri``, lists.

    Names (``jan``, ``tue``) count from ``low``; raises ``ValueError`` saying what is wrong.
    """

    def value(token: str) -> int:
        if is_ascii_digits(token):
            number = int(token)
        elif token in names:
            number = low + names.index(token)
        else:
            raise ValueError(f"{token!r} is not a number{' or name' if names else ''}")
        if not low <= number <= high:
            raise ValueError(f"{number} is outside {low}-{high}")
        return number

    selected: set[int] = set()
    for element in field.lower().split(","):
        match = _CRON_ELEMENT.fullmatch(element)
        if not match:
            raise ValueError(f"{element!r} is not *, a value, a range a-b or a step /n")
        span, step_text = match.groups()
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError("a step must be 1 or more")
        if span == "*":
            first, last = low, high
        elif "-" in span:
            first, last = (value(token) for token in span.split("-"))
            if first > last:
                raise ValueError(f"range {span!r} runs backwards")
        else:
            first = last = value(span)
        selected.update(range(first, last + 1, step))
    return frozenset(selected)


def cron_weekdays(field: str) -> frozenset[int]:
    """Crontab day-of-week values, 0 = Sunday … 6 = Saturday (7 is Sunday too), as in crontab."""
    return frozenset(day % 7 for day in cron_values(field, 0, 7, CRON_WEEKDAYS))


def syntax_problem(rule: str, kind: RuleKind) -> str | None:
    """What is wrong with ``rule`` of ``kind``, said for staff; ``None`` when it is valid."""
    return _rrule_problem(rule) if kind == "rrule" else _cron_problem(rule)


def period_unit(rule: str, kind: RuleKind) -> PeriodUnit:
    """``month`` when the valid ``rule`` fires at most once a calendar month, else ``day``."""
    if kind == "rrule":
        return _rrule_period_unit(rrule_parts(rule))
    return _cron_period_unit(rule.split())


def _rrule_problem(rule: str) -> str | None:
    try:
        parts = rrule_parts(rule)
    except ValueError as exc:
        return str(exc)
    for part in parts:
        if part in _REFUSED_PARTS:
            return _REFUSED_PARTS[part]
        if part not in RRULE_PARTS:
            return f"unknown part {part}; known: {', '.join(sorted(RRULE_PARTS))}"
    freq = parts.get("FREQ")
    if freq is None:
        return "FREQ is missing, e.g. FREQ=MONTHLY"
    if freq not in FREQS:
        allowed = ", ".join(FREQS)
        return f"FREQ={freq} is not allowed: a series goes out at most once a day ({allowed})"
    if freq == "WEEKLY" and "BYDAY" not in parts:
        return "a weekly rule needs its day(s), e.g. BYDAY=MO"
    if "BYWEEKNO" in parts and freq != "YEARLY":
        return "BYWEEKNO works only with FREQ=YEARLY"
    if "BYYEARDAY" in parts and freq != "YEARLY":
        return "BYYEARDAY works only with FREQ=YEARLY"
    if "BYMONTHDAY" in parts and freq == "WEEKLY":
        return "BYMONTHDAY does not work with FREQ=WEEKLY"
    checks = (
        ("INTERVAL", 1, 1000, False),
        ("BYMONTH", 1, 12, False),
        ("BYMONTHDAY", 1, 31, True),
        ("BYYEARDAY", 1, 366, True),
        ("BYWEEKNO", 1, 53, True),
        ("BYSETPOS", 1, 366, True),
    )
    for part, low, high, signed in checks:
        if part in parts and (reason := _numbers(parts[part], low, high, signed=signed)):
            return f"{part}: {reason}"
    if "INTERVAL" in parts and "," in parts["INTERVAL"]:
        return "INTERVAL is one number"
    if "BYDAY" in parts and (reason := _byday_problem(parts["BYDAY"], freq)):
        return f"BYDAY: {reason}"
    if "WKST" in parts and parts["WKST"] not in WEEKDAYS:
        return f"WKST must be one of {', '.join(WEEKDAYS)}"
    if "UNTIL" in parts and not _UNTIL.fullmatch(parts["UNTIL"]):
        return "UNTIL must be a local date YYYYMMDD (that day included) or YYYYMMDDTHHMMSS"
    if "BYMONTH" in parts and "BYMONTHDAY" in parts:
        months = {int(m) for m in parts["BYMONTH"].split(",")}
        days = {abs(int(d)) for d in parts["BYMONTHDAY"].split(",")}
        if not _meet(days, months):
            return "BYMONTHDAY and BYMONTH never meet (like 30 February): it would never fire"
    if "BYSETPOS" in parts and not {"BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"} & set(parts):
        return "BYSETPOS needs a set to pick from, e.g. BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    return None


def _numbers(text: str, low: int, high: int, *, signed: bool) -> str | None:
    for item in text.split(","):
        body = item[1:] if signed and item[:1] in "+-" else item
        if not is_ascii_digits(body) or not low <= int(body) <= high:
            allowed = f"{low}…{high}" + (f" or -{high}…-{low}" if signed else "")
            return f"{item!r} is not a whole number in {allowed}"
    return None


def _byday_problem(text: str, freq: str) -> str | None:
    for item in text.split(","):
        match = _BYDAY.fullmatch(item)
        if not match:
            return f"{item!r} is not a weekday such as TU, 1TU or -1FR"
        ordinal = match.group(1)
        if ordinal is None:
            continue
        if freq not in ("MONTHLY", "YEARLY"):
            return f"{item!r}: a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY"
        if int(ordinal) == 0 or abs(int(ordinal)) > (5 if freq == "MONTHLY" else 53):
            return f"{item!r}: the number counts weekdays in the month (1…5 or -1…-5)"
    return None


def _cron_problem(rule: str) -> str | None:
    fields = rule.split()
    if len(fields) != 5:
        return (
            f"a crontab line has 5 fields (minute hour day-of-month month day-of-week), "
            f"not {len(fields)}; or write an RRULE such as FREQ=MONTHLY;BYDAY=1TU"
        )
    minute, hour = fields[0], fields[1]
    if not (is_ascii_digits(minute) and is_ascii_digits(hour)):
        return (
            "minute and hour must each be one number (e.g. 0 9): a series goes out at "
            "most once a day"
        )
    if int(minute) > 59 or int(hour) > 23:
        return "minute must be 0-59 and hour 0-23"
    for label, field, low, high, names in (
        ("day of month", fields[2], 1, 31, ()),
        ("month", fields[3], 1, 12, CRON_MONTHS),
        ("day of week", fields[4], 0, 7, CRON_WEEKDAYS),
    ):
        try:
            cron_values(field, low, high, names)
        except ValueError as exc:
            return f"{label} field {field!r}: {exc}"
    days, months = cron_values(fields[2], 1, 31), cron_values(fields[3], 1, 12, CRON_MONTHS)
    if not _meet(days, months):
        return "day of month and month never meet (like 30 February): it would never fire"
    return None


def _meet(days: set[int] | frozenset[int], months: set[int] | frozenset[int]) -> bool:
    """Whether some day of month exists in some month (29 February counts)."""
    longest = max(_MONTH_LENGTHS[month - 1] for month in months)
    return min(days) <= longest


def _rrule_period_unit(parts: Mapping[str, str]) -> PeriodUnit:
    if parts.get("FREQ") not in ("MONTHLY", "YEARLY") or {"BYWEEKNO", "BYYEARDAY"} & set(parts):
        return "day"
    if "BYSETPOS" in parts:
        return "month" if "," not in parts["BYSETPOS"] else "day"
    if "BYMONTHDAY" in parts:
        return "month" if "," not in parts["BYMONTHDAY"] else "day"
    if "BYDAY" in parts:
        single = "," not in parts["BYDAY"]
        return "month" if single and parts["BYDAY"][:1] in "+-0123456789" else "day"
    return "month"  # no day given: the 1st of the month (of January, for YEARLY)


def _cron_period_unit(fields: list[str]) -> PeriodUnit:
    days = cron_values(fields[2], 1, 31)
    if len(days) == 1:
        return "month"
    weekdays = cron_weekdays(fields[4])
    # Both fields given means both must match (APScheduler): one weekday in a span of at most
    # seven days (``1-7``, ``25-31``) is once a month.
    if fields[2] != "*" and len(weekdays) == 1 and max(days) - min(days) < 7:
        return "month"
    return "day"
