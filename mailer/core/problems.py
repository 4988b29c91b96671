"""What a check of a staff-written file found: each ``Problem`` names the file, the key and
what is wrong, so a lint can report every mistake at once; ``Checker`` gathers them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]
_BREAK = re.compile(r"[\r\n\u0085\u2028\u2029\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?")  # RFC 2047: a reader would decode it


@dataclass(frozen=True)
class Problem:
    severity: Severity
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.key}: {self.message}"
            if self.key
            else f"{self.file}: {self.message}"
        )


class Checker:
    """The problems found in one file, and the checks of single values that report them."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem("error", self.file, key, message))

    def warning(self, key: str, message: str) -> None:
        self.problems.append(Problem("warning", self.file, key, message))

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        path = f"{where}.{key}" if where else key
        if value is None:
            if required:
                self.error(path, "is missing")
            return ""
        if not isinstance(value, str):
            self.error(path, f"must be text, not {type(value).__name__}")
            return ""
        return value

    def one_line(self, value: str, key: str) -> str:
        if _BREAK.search(value):
            self.error(
                key, "contains a line break or control character (it would start a new header)"
            )
        if _ENCODED_WORD.search(value):
            self.error(
                key,
                "contains an encoded-word (=?…?=); write the text itself, it is encoded when sent",
            )
        return value.strip()

    def strings(self, data: Mapping[str, Any], key: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, "must be a list of text")
            return []
        return value
