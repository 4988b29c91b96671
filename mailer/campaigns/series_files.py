"""Reading series files: ``campaigns/<name>.series.toml``; the name is the file name's stem."""

from __future__ import annotations

import tomllib
from pathlib import Path

from mailer.campaigns.recurrence import rule_problem
from mailer.core.problems import Problem
from mailer.core.series import Series, check_series
from mailer.errors import SeriesInvalid

SUFFIX = ".series.toml"


def series_files(campaigns_dir: Path) -> list[Path]:
    """Every ``*.series.toml`` directly in ``campaigns_dir``, by name; none if it is missing."""
    if not campaigns_dir.is_dir():
        return []
    return sorted(path for path in campaigns_dir.glob(f"*{SUFFIX}") if path.is_file())


def series_name(path: Path) -> str:
    """``digest`` for ``campaigns/digest.series.toml``."""
    return path.name.removesuffix(SUFFIX)


def load_series(path: Path) -> Series:
    """The series in ``path``, or ``SeriesInvalid`` naming the file and each wrong key."""
    shown = str(path)

    def invalid(message: str, key: str = "") -> SeriesInvalid:
        return SeriesInvalid(shown, [Problem("error", shown, key, message)])

    if not path.name.endswith(SUFFIX):
        raise invalid(f"a series file is named <name>{SUFFIX}, e.g. digest{SUFFIX}")
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise invalid("not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise invalid(f"not valid TOML: {exc}") from None
    except OSError as exc:
        raise invalid(f"cannot read: {exc.strerror}") from None
    series, problems = check_series(series_name(path), data, shown)
    if series is None:
        raise SeriesInvalid(shown, problems)
    reason = rule_problem(series)
    if reason:
        raise invalid(reason, "rule")
    return series
