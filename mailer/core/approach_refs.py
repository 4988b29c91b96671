"""Issues refer to approaches: the one resolver of ``approach = "slug"`` in an issue's items.

An item of ``campaign.toml`` may say ``approach = "fathers-clubs-kakheti"``: it then is the
approach's item (``mailer.core.approaches.as_item``), with every key the item gives itself
overriding the approach's for this issue (``content`` per language and field, so an issue may
retitle one language and keep the rest). The resolved item drops ``approach``: the resolved
text stands alone (it is what is approved and frozen when sending starts, and reads the same
anywhere); which approaches an issue used is its revision's references and its pins.

``resolve`` is pure: the caller gives the ``Library``, the approaches' documents at the
revisions the issue is pinned to (``mailer.db.issue_pins.library``), or the files of a
``campaigns/approaches/`` folder for a folder not stored (``mailer.campaigns.source``).
Sending, preview and lint all read an issue through ``mailer.core.issue_text.issue_text``,
which calls ``resolve``; nothing else expands a reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mailer.core.approaches import as_item, state_of
from mailer.core.problems import Problem


@dataclass(frozen=True)
class Pinned:
    """An approach as an issue uses it: its revision and that revision's document."""

    slug: str
    revision: int  # 0: a file not stored (a folder's approaches/)
    document: Mapping[str, Any]


Library = Mapping[str, Pinned]


def references(document: Mapping[str, Any]) -> list[str]:
    """The approaches ``document``'s items refer to, in order, each once."""
    items = document.get("items")
    found: list[str] = []
    for item in items if isinstance(items, list) else []:
        slug = item.get("approach") if isinstance(item, Mapping) else None
        if isinstance(slug, str) and slug and slug not in found:
            found.append(slug)
    return found


def resolve(
    document: Mapping[str, Any], library: Library, shown: str
) -> tuple[dict[str, Any], list[Problem]]:
    """``document`` with each referring item replaced by its approach's item and the item's
    own keys over it; an error for each reference the library does not hold (naming the item
    and the slug), a warning for an approach that is not published."""
    out = dict(document)
    items = document.get("items")
    if not isinstance(items, list) or not references(document):
        return out, []
    problems: list[Problem] = []
    resolved: list[Any] = []
    for index, item in enumerate(items):
        slug = item.get("approach") if isinstance(item, Mapping) else None
        if not isinstance(item, Mapping) or not isinstance(slug, str):
            resolved.append(item)
            continue
        where = f"items[{index}] ({item.get('id', slug)}).approach"
        found = library.get(slug)
        if found is None:
            problems.append(Problem("error", shown, where, f"no approach {slug!r} in the library"))
            resolved.append(item)
            continue
        state = state_of(found.document)
        if state != "published":
            problems.append(
                Problem("warning", shown, where, f"approach {slug!r} is {state}, not published")
            )
        resolved.append(_merged(as_item(slug, found.document), item))
    out["items"] = resolved
    return out, problems


def _merged(base: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in own.items():
        if key == "content" and isinstance(value, Mapping):
            content = {k: dict(v) for k, v in (base.get("content") or {}).items()}
            for language, entry in value.items():
                if isinstance(entry, Mapping):
                    content[language] = {**content.get(language, {}), **entry}
                else:
                    content[language] = entry
            merged["content"] = content
        else:
            merged[key] = value
    merged.pop("approach", None)
    # the item's own keys first (its id), as a person reads the resolved text
    ordered = {k: merged[k] for k in own if k in merged and k != "content"}
    ordered.update({k: v for k, v in merged.items() if k not in ordered})
    return ordered
