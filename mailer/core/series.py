"""A recurring series as staff write it in ``campaigns/<name>.series.toml``, and its checks.

``check_series`` turns the TOML data into a ``Series`` and every ``Problem`` found, each naming
the file and the key; ``parse_series`` returns the series or raises ``SeriesInvalid``.

The rule is an RFC 5545 RRULE (``FREQ=MONTHLY;BYDAY=1TU``) with the local time of day in
``time``, or a five-field crontab line (``0 9 1 * *``) that carries its own minute and hour, so
``time`` is then not allowed. A series goes out at most once a day. What a rule may say is
``mailer.core.series_rules``; which instants it names (and what a daylight-saving change does
to them) is ``mailer.campaigns.recurrence``'s business; this module only says what a valid
series is and which period an occurrence is in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mailer.core import series_rules
from mailer.core.deadlines import Report, check_deadline, check_notify
from mailer.core.problems import Problem
from mailer.core.series_rules import PeriodUnit, RuleKind, rule_kind
from mailer.errors import SeriesInvalid

NAME: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
KEYS: Final = frozenset({"rule", "time", "timezone", "deadline", "notify", "description"})

_TIME: Final = re.compile(r"\d{2}:\d{2}(:\d{2})?")


@dataclass(frozen=True)
class Series:
    """One recurring series: when it fires (``rule`` at ``time`` in ``timezone``) and its limits.

    ``time`` is the local time of day; for a cron rule it is the rule's own minute and hour.
    ``deadline`` is how late after the planned time an issue may still go out.
    """

    name: str
    rule: str
    kind: RuleKind
    time: time
    timezone: str
    deadline: timedelta
    notify: tuple[str, ...] = ()
    description: str = ""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def period_unit(self) -> PeriodUnit:
        """``month`` when the rule fires at most once a calendar month, else ``day``."""
        return series_rules.period_unit(self.rule, self.kind)


def period_of(series: Series, moment: datetime) -> str:
    """The period an occurrence belongs to: ``2026-12`` for a rule that fires at most once a
    month, ``2026-12-01`` for one that may fire more often. An issue joins the occurrence with
    ``period = "<key>"``. ``moment`` is converted to the series' zone; naive means local already.
    """
    local = moment.astimezone(series.zone) if moment.tzinfo is not None else moment
    if series.period_unit == "month":
        return f"{local.year:04d}-{local.month:02d}"
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d}"


def check_series(
    name: str, data: Mapping[str, Any], where: str
) -> tuple[Series | None, list[Problem]]:
    """The series and every problem found (all errors); ``None`` when there is any."""
    problems: list[Problem] = []

    def error(key: str, message: str) -> None:
        problems.append(Problem("error", where, key, message))

    if not NAME.fullmatch(name):
        error(
            "",
            f"the series name {name!r} (from the file name <name>.series.toml) must be "
            "lower-case letters, digits and hyphens, at most 63, e.g. digest",
        )
    for key in sorted(set(data) - KEYS):
        error(key, f"unknown key; known keys: {', '.join(sorted(KEYS))}")
    timezone = _timezone(data.get("timezone"), error)
    rule, kind = _rule(data.get("rule"), error)
    at = _time_of_day(data.get("time"), rule, kind, error)
    deadline = check_deadline(data.get("deadline"), error)
    notify = check_notify(data.get("notify", []), error)
    description = data.get("description", "")
    if not isinstance(description, str):
        error("description", f"must be text, not {type(description).__name__}")
        description = ""
    if problems or rule is None or kind is None or at is None or not timezone or not deadline:
        return None, problems
    series = Series(name, rule, kind, at, timezone, deadline, notify, description.strip())
    return series, problems


def parse_series(name: str, data: Mapping[str, Any], where: str) -> Series:
    """The series, or ``SeriesInvalid`` listing every problem with ``where`` and the key."""
    series, problems = check_series(name, data, where)
    if series is None:
        raise SeriesInvalid(where, problems)
    return series


def _timezone(raw: object, error: Report) -> str | None:
    if raw is None:
        error("timezone", "is missing: the IANA time zone of `time`, e.g. Europe/Belgrade")
        return None
    if not isinstance(raw, str) or not raw.strip():
        error("timezone", "must be an IANA time zone name such as Europe/Belgrade")
        return None
    try:
        ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        error("timezone", f"{raw!r} is not an IANA time zone such as Europe/Belgrade")
        return None
    return raw.strip()


def _rule(raw: object, error: Report) -> tuple[str | None, RuleKind | None]:
    if raw is None:
        error("rule", 'is missing: an RRULE such as "FREQ=MONTHLY;BYDAY=1TU" or a crontab line')
        return None, None
    if not isinstance(raw, str) or not raw.strip():
        error("rule", 'must be text: an RRULE such as "FREQ=MONTHLY;BYDAY=1TU" or a crontab line')
        return None, None
    rule = " ".join(raw.split())
    kind = rule_kind(rule)
    reason = series_rules.syntax_problem(rule, kind)
    if reason:
        error("rule", f"{rule!r}: {reason}")
        return None, kind
    return rule, kind


def _time_of_day(
    raw: object, rule: str | None, kind: RuleKind | None, error: Report
) -> time | None:
    if kind == "cron":
        if raw is not None:
            error(
                "time",
                "a crontab rule has its own minute and hour: remove `time`, or "
                "write the rule as an RRULE",
            )
            return None
        if rule is None:
            return None
        minute, hour = rule.split()[:2]
        return time(int(hour), int(minute))
    if raw is None:
        error("time", 'is missing: the local time of day, e.g. "09:00"')
        return None
    if isinstance(raw, time) and raw.tzinfo is None:
        return raw.replace(microsecond=0)
    if isinstance(raw, str) and _TIME.fullmatch(raw.strip()):
        try:
            return time.fromisoformat(raw.strip())
        except ValueError:
            pass
    error("time", f'{raw!r} is not a local time of day such as "09:00" (24-hour clock)')
    return None
