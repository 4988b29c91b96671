"""Durations and staff addresses, as series files and one-off campaigns write them.

``deadline = "6h"`` says how late after its planned time an issue may still go out;
``notify = ["comms@example.org"]`` whom to tell when an occurrence is missed or skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Final

from mailer.core.subscribers import email_key, normalise_email
from mailer.errors import InvalidValue

MAX_DEADLINE: Final = timedelta(days=28)  # past that it would run into next month's occurrence
_SHORT_DURATION: Final = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")
_ISO_DURATION: Final = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
Report = Callable[[str, str], None]  # (key, message)


def parse_deadline(value: str) -> timedelta:
    """``6h``, ``2d``, ``90m``, ``1d12h`` or an ISO 8601 duration (``PT6H``, ``P1DT12H``, ``P1W``).

    Raises ``ValueError`` with what to write instead.
    """
    text = re.sub(r"\s+", "", value)
    short = _SHORT_DURATION.fullmatch(text.lower())
    iso = _ISO_DURATION.fullmatch(text.upper())
    if text and short and any(short.groups()):
        days, hours, minutes = (int(part or 0) for part in short.groups())
        delta = timedelta(days=days, hours=hours, minutes=minutes)
    elif text and iso and any(iso.groups()) and not text.upper().endswith("T"):
        weeks, days, hours, minutes, seconds = (int(part or 0) for part in iso.groups())
        delta = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    elif re.fullmatch(r"P.*[YM].*", text.upper()) and "T" not in text.upper().split("M")[0]:
        raise ValueError("months and years have no fixed length; give days, e.g. P7D or 7d")
    else:
        raise ValueError(f"{value!r} is not a duration such as 6h, 2d, 90m, 1d12h or PT6H")
    if delta <= timedelta(0):
        raise ValueError("must be longer than zero")
    if delta > MAX_DEADLINE:
        raise ValueError("must be at most 28 days (it would run into the next occurrence)")
    return delta


def format_deadline(delta: timedelta) -> str:
    """The short form ``parse_deadline`` reads: ``6h``, ``1d12h``, ``90m`` → ``1h30m``."""
    minutes = int(delta.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    text = "".join(f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n)
    return text or f"{int(delta.total_seconds())}s"


def check_deadline(raw: object, error: Report) -> timedelta | None:
    if raw is None:
        error(
            "deadline", 'is missing: how late after the planned time it may still go out, e.g. "6h"'
        )
        return None
    if not isinstance(raw, str):
        error("deadline", f'must be text such as "6h", "2d", "90m" or "PT6H", not {raw!r}')
        return None
    try:
        return parse_deadline(raw)
    except ValueError as exc:
        error("deadline", str(exc))
        return None


def check_notify(raw: object, error: Report) -> tuple[str, ...]:
    if not isinstance(raw, list):
        error("notify", 'must be a list of addresses, e.g. ["comms@example.org"]')
        return ()
    addresses: dict[str, str] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, str):
            error(f"notify[{index}]", f"must be an email address, not {type(item).__name__}")
            continue
        try:
            address = normalise_email(item)
        except InvalidValue as exc:
            error(f"notify[{index}]", exc.message)
            continue
        addresses.setdefault(email_key(address), address)
    return tuple(addresses.values())
