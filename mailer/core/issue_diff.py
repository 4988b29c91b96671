"""What changed between two revisions of an issue, per field and language (difflib).

Fields are named as lint names them (``content.ka.subject``, ``items[2] (clubs).content.ru.title``).
Items are matched by ``id``, so moving an item shows as one change of ``items (order)``, not as
every field of every item after it; items without a unique id are matched by position.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Key = tuple[str, ...]


@dataclass(frozen=True)
class Change:
    field: str
    language: str | None  # the language of a content field; None for settings
    before: str | None  # None: the field was not there
    after: str | None

    @property
    def kind(self) -> Literal["added", "removed", "changed"]:
        if self.before is None:
            return "added"
        return "removed" if self.after is None else "changed"

    def as_json(self) -> dict[str, object]:
        return {
            "field": self.field,
            "language": self.language,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class _Leaf:
    shown: str
    language: str | None
    text: str


def diff_documents(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every field that differs, in the order of ``after`` (fields only in ``before`` last)."""
    old, new = _flatten(before), _flatten(after)
    changes: list[Change] = []
    for key in [*new, *(k for k in old if k not in new)]:
        was, now = old.get(key), new.get(key)
        if was is not None and now is not None and was.text == now.text:
            continue
        shown = (now or was).shown  # type: ignore[union-attr]
        language = (now or was).language  # type: ignore[union-attr]
        changes.append(
            Change(shown, language, was.text if was else None, now.text if now else None)
        )
    order = _order_change(before, after)
    if order is not None:
        changes.append(order)
    return changes


def html_table(change: Change, *, before: str = "before", after: str = "after") -> str:
    """One change as difflib's side-by-side HTML table (text escaped), for the staff UI;
    ``before`` and ``after`` head the columns (e.g. "revision 1")."""
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        (change.before or "").splitlines() or [""],
        (change.after or "").splitlines() or [""],
        fromdesc=before,
        todesc=after,
        context=True,
        numlines=2,
    )
    return table


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _flatten(document: Mapping[str, Any]) -> dict[Key, _Leaf]:
    out: dict[Key, _Leaf] = {}
    for name, value in document.items():
        if name == "items" and isinstance(value, list):
            _items(value, out)
        elif name == "content" and isinstance(value, Mapping):
            for language, entry in value.items():
                _walk(entry, ("content", str(language)), f"content.{language}", str(language), out)
        else:
            _walk(value, (name,), name, None, out)
    return out


def _walk(value: Any, key: Key, shown: str, language: str | None, out: dict[Key, _Leaf]) -> None:
    if isinstance(value, Mapping) and value:
        for name, inner in value.items():
            _walk(inner, (*key, str(name)), f"{shown}.{name}", language, out)
        return
    out[key] = _Leaf(shown, language, _text(value))


def _item_keys(items: list[Any]) -> list[str]:
    """Each item's match key: its id when every item has a distinct one, else its position."""
    ids = [item.get("id") if isinstance(item, Mapping) else None for item in items]
    if all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids):
        return [f"id:{i}" for i in ids]
    return [f"#{index}" for index in range(len(items))]


def _items(items: list[Any], out: dict[Key, _Leaf]) -> None:
    for index, (match, item) in enumerate(zip(_item_keys(items), items, strict=True)):
        label = f"items[{index}]"
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            label += f" ({item['id']})"
        if not isinstance(item, Mapping):
            out[("items", match)] = _Leaf(label, None, _text(item))
            continue
        for name, value in item.items():
            if name == "content" and isinstance(value, Mapping):
                for language, text in value.items():
                    key = ("items", match, "content", str(language))
                    _walk(text, key, f"{label}.content.{language}", str(language), out)
            else:
                _walk(value, ("items", match, name), f"{label}.{name}", None, out)


def _order_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> Change | None:
    old, new = before.get("items"), after.get("items")
    if not isinstance(old, list) or not isinstance(new, list):
        return None
    old_keys, new_keys = _item_keys(old), _item_keys(new)
    if not all(k.startswith("id:") for k in (*old_keys, *new_keys)):
        return None
    common = set(old_keys) & set(new_keys)
    was = [k[3:] for k in old_keys if k in common]
    now = [k[3:] for k in new_keys if k in common]
    if was == now:
        return None
    return Change("items (order)", None, "\n".join(was), "\n".join(now))
