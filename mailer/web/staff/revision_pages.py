"""What the history pages of issues and approaches share: reading a revision number from a
query or form, naming a changed field in the page's words, and a diff's changes marked word by
word for the template."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mailer.core.issue_diff import Change
from mailer.core.text import is_ascii_digits
from mailer.core.word_diff import marked
from mailer.errors import InvalidValue

_ITEM = re.compile(r"items\[(\d+)\](?: \(([^)]*)\))?\.?(.*)")


def revision_number(text: str | None, name: str) -> int:
    """The revision a query parameter or form field ``name`` chooses (``InvalidValue`` else)."""
    if text is None or not is_ascii_digits(text) or len(text) > 9:
        raise InvalidValue(name, "choose a revision")
    return int(text)


def field_label(change: Change, names: dict[str, str]) -> str:
    """``content.ka.subject`` as "Subject", ``items[1] (clubs).content.ru.title`` as
    "Item 2 (clubs): Title": the field in the words of the page (the language is shown
    beside it)."""
    shown = change.field
    if shown == "items (order)":
        return names["items_order"]
    item = _ITEM.fullmatch(shown)
    prefix = ""
    if item:
        number, ident, shown = int(item[1]) + 1, item[2], item[3]
        prefix = names["item"].format(number=number) + (f" ({ident})" if ident else "")
        if not shown:
            return prefix
        prefix += ": "
    if change.language and shown.startswith("content."):
        shown = shown.split(".", 2)[2] if shown.count(".") >= 2 else ""
    label = names.get(shown, shown) if shown else names["text"]
    return prefix + label


def shown_changes(changes: Iterable[Change], names: dict[str, str]) -> list[dict[str, Any]]:
    """Each change as a diff page shows it: its label, language, kind, and both texts with
    the words that differ marked."""
    shown: list[dict[str, Any]] = []
    for change in changes:
        before, after = marked(change.before, change.after)
        shown.append(
            {
                "label": field_label(change, names),
                "language": change.language,
                "kind": change.kind,
                "before": before,
                "after": after,
            }
        )
    return shown
