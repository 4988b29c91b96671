"""Preflight: what DNS answers and settings mean for delivery, as pass / warn / fail with a fix.

Pure: the rules take a ``Lookup`` (a name and a record type in, an ``Answer`` out) and the
facts the use case gathered (``mailer.campaigns.preflight``); the unit tests hand them a dict.
The checks themselves live beside their records: ``core.dkim_keys``, ``core.spf``,
``core.dmarc`` and ``core.preflight_message``; this module holds what they share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Status = Literal["pass", "warn", "fail"]
PASS: Status = "pass"  # noqa: S105 (a status, not a password)
WARN: Status = "warn"
FAIL: Status = "fail"
MAX_TXT_STRING = 255  # RFC 1035 3.3: one character-string of a TXT record
# RFC 2606 and RFC 6761: names that can never hold real records
RESERVED_NAMES = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("example", "test", "invalid", "localhost")


@dataclass(frozen=True)
class Answer:
    """What DNS said to one question: its records (none for NXDOMAIN or no data), or why
    nobody answered (``failure`` names the server)."""

    records: tuple[str, ...] = ()
    failure: str = ""
    reserved: bool = False  # not asked: a reserved example name (``failure`` says so)

    @property
    def failed(self) -> bool:
        return bool(self.failure)


# (name, record type: "TXT", "MX", "A", "AAAA") → Answer. TXT records come as one string each
# (their character-strings joined), MX records as "preference host", names without the dot.
Lookup = Callable[[str, str], Answer]


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""
    unanswered: bool = False  # DNS did not answer: the check could not be made

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]
    checked_at: datetime | None = None  # naive UTC

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if check.status == FAIL]

    @property
    def errors(self) -> int:
        return len(self.failures)

    @property
    def warnings(self) -> int:
        return sum(check.status == WARN for check in self.checks)

    def as_json(self) -> dict[str, object]:
        return {
            "checks": [check.as_json() for check in self.checks],
            "errors": self.errors,
            "warnings": self.warnings,
        }

    def summary(self) -> list[str]:
        """One line per failing check: its name and reason."""
        return [f"{check.name}: {check.detail}" for check in self.failures]


def unanswered(name: str, question: str, answer: Answer) -> Check:
    """A check that could not be made because DNS did not answer: a warning, never a crash."""
    if answer.reserved:
        fix = (
            "use your own domain in sender.from and bounces.domain, or point "
            "preflight.nameservers at a name server with a test zone"
        )
        return Check(name, WARN, f"not asked: {answer.failure}", fix, unanswered=True)
    fix = "check the name server (preflight.nameservers, preflight.timeout), then run it again"
    detail = f"could not ask DNS for {question}: {answer.failure}"
    return Check(name, WARN, detail, fix, unanswered=True)


def is_reserved(domain: str) -> bool:
    """A reserved example name (RFC 2606, RFC 6761): no public DNS holds its records."""
    domain = domain.lower().rstrip(".")
    return domain.rsplit(".", 1)[-1] in RESERVED_TLDS or any(
        domain == name or domain.endswith("." + name) for name in RESERVED_NAMES
    )


def txt_record(name: str, value: str) -> str:
    """A zone-file line publishing ``value`` at ``name``, in strings of at most 255 bytes."""
    chunks = [value[i : i + MAX_TXT_STRING] for i in range(0, len(value), MAX_TXT_STRING)] or [""]
    quoted = " ".join(
        '"' + chunk.replace("\\", "\\\\").replace('"', '\\"') + '"' for chunk in chunks
    )
    return f"{name}. IN TXT {quoted}"


def tag_list(text: str) -> dict[str, str]:
    """An RFC 6376 3.2 tag list (``v=DKIM1; k=rsa; p=…``), also DMARC's: tag → value.

    ``ValueError`` names the first malformed or repeated tag.
    """
    tags: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name or not name.replace("_", "").isalnum():
            raise ValueError(f"{part.strip()!r} is not tag=value")
        if name in tags:
            raise ValueError(f"tag {name}= appears twice")
        tags[name] = "".join(value.split())  # folding whitespace is not part of the value
    return tags


def joined(values: Iterable[str], *, limit: int = 3) -> str:
    shown = list(values)
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more
