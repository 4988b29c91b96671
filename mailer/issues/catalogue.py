"""The library as staff browse it: approaches found by text (any language) and filters, each
with where it was used (the issue, its state and date, how many recipients got it, from the
delivery ledger); the issue editor's "Add from library" drawer, which suggests what was not
featured lately; and adding a chosen approach to a draft as an item that refers to it.
Nothing here writes but ``add_from_library`` (one save of the issue, like the editor's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mailer.approaches import ApproachView, get_approach, list_approaches
from mailer.core.approach_refs import references
from mailer.core.issue_workflow import Actor
from mailer.core.library_search import (
    LibraryFilter,
    complete_in,
    haystack,
    languages_of,
    strings,
)
from mailer.db import approach_uses
from mailer.issues.desk import Desk, Saved
from mailer.issues.editing import Conflicting, save_draft

RECENT = timedelta(days=183)  # "featured lately": the drawer suggests what was not
STARTED = ("sending", "paused", "sent", "failed", "cancelled")


@dataclass(frozen=True)
class Use:
    """One issue that refers to an approach."""

    issue: str
    state: str  # draft, in_review, approved, scheduled, sending, paused, sent, ...
    when: datetime | None  # sent (or started), else scheduled, else last edited
    recipients: int  # sent messages that showed the item (the ledger)
    item: str  # the item's id in that issue
    pinned: int  # the approach's revision the issue uses

    @property
    def featured(self) -> bool:
        """A campaign went out with it (the ledger has its messages)."""
        return self.state in STARTED


@dataclass(frozen=True)
class LibraryEntry:
    approach: ApproachView
    uses: list[Use]
    languages: list[str]  # the languages it has text in
    incomplete: list[str] = field(default_factory=list)  # of the languages asked about
    suggested: bool = False  # the drawer: published, complete, not featured lately

    @property
    def featured(self) -> bool:
        return any(u.featured for u in self.uses)

    @property
    def last_featured(self) -> datetime | None:
        return max((u.when for u in self.uses if u.featured and u.when), default=None)

    @property
    def recipients(self) -> int:
        return sum(u.recipients for u in self.uses)

    @property
    def search_text(self) -> str:
        """What a search looks in, folded (the drawer filters on it in the browser)."""
        return haystack(self.approach.document)


@dataclass(frozen=True)
class LibraryPage:
    entries: list[LibraryEntry]
    total: int  # approaches in the library, before the filters
    countries: list[str]  # the filters' choices, from the library itself
    interests: list[str]
    organisations: list[str]
    languages: list[str]


def _item_of(document: Mapping[str, Any], slug: str) -> str:
    items = document.get("items")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and item.get("approach") == slug:
            return str(item.get("id") or slug)
    return slug


def _got(variants: Mapping[str, int], item: str) -> int:
    """Messages of the variants (``language:item+item``) that showed ``item``."""
    return sum(n for name, n in variants.items() if item in name.partition(":")[2].split("+"))


def _uses(desk: Desk) -> dict[str, list[Use]]:
    with desk.database.read() as conn:
        found = approach_uses.uses(conn)
        sent = approach_uses.sent_by_variant(conn, [u.campaign_id for u in found if u.campaign_id])
    out: dict[str, list[Use]] = {}
    for use in found:
        if use.approach_slug not in references(use.document):
            continue  # pinned once, no longer referred to by its current revision
        item = _item_of(use.document, use.approach_slug)
        state = use.campaign_state or use.review
        when = use.finished_at or use.started_at or use.send_at or use.updated_at
        got = _got(sent.get(use.campaign_id, {}), item) if use.campaign_id else 0
        out.setdefault(use.approach_slug, []).append(
            Use(use.issue_slug, state, when, got, item, use.pinned)
        )
    return out


def search_library(desk: Desk, wanted: LibraryFilter) -> LibraryPage:
    """The library page: every approach that passes ``wanted``, with where it was used, and
    the choices the filters offer (what the library holds)."""
    views = list_approaches(desk.database)
    uses = _uses(desk)
    entries = []
    for view in views:
        used = uses.get(view.slug, [])
        if not wanted.keeps(view.document, featured=any(u.featured for u in used)):
            continue
        missing = [lang for lang in wanted.complete if not complete_in(view.document, lang)]
        entries.append(LibraryEntry(view, used, languages_of(view.document), missing))
    docs = [v.document for v in views]
    return LibraryPage(
        entries,
        len(views),
        sorted({c.upper() for d in docs for c in strings(d, "countries")}),
        sorted({i for d in docs for i in strings(d, "interests")}),
        sorted({str(d["organisation"]) for d in docs if d.get("organisation")}),
        sorted({lang for d in docs for lang in languages_of(d)}),
    )


def drawer(
    desk: Desk, document: Mapping[str, Any], *, now: datetime, recent: timedelta = RECENT
) -> list[LibraryEntry]:
    """What the issue editor's "Add from library" offers for an issue with ``document``:
    every approach not archived and not in the issue yet; ``incomplete`` names the issue's
    languages it lacks; ``suggested`` marks the published, complete ones no issue featured
    in the last ``recent`` (six months). Suggested first, then by title."""
    languages = [t for t in document.get("languages", []) if isinstance(t, str)]
    have = set(references(document))
    uses = _uses(desk)
    since = now - recent
    out = []
    for view in list_approaches(desk.database):
        if view.state == "archived" or view.slug in have:
            continue
        used = uses.get(view.slug, [])
        missing = [lang for lang in languages if not complete_in(view.document, lang)]
        lately = any(u.featured and u.when is not None and u.when >= since for u in used)
        suggested = view.state == "published" and not missing and not lately
        out.append(LibraryEntry(view, used, languages_of(view.document), missing, suggested))
    return sorted(out, key=lambda e: (not e.suggested, bool(e.incomplete), e.approach.title))


def add_from_library(
    desk: Desk,
    slug: str,
    document: Mapping[str, Any],
    approach: str,
    *,
    base_revision: int,
    by: Actor,
    now: datetime,
) -> Saved | Conflicting:
    """Save ``document`` (the editor's form) with one more item that refers to ``approach``
    (``approach = "<slug>"``; its id the slug, made unique), like any save: a stale base is
    a ``Conflicting`` and nothing is stored; ``NotFound`` for a slug the library does not hold.
    The reference is pinned to the approach's current
    revision by the save."""
    get_approach(desk.database, approach)  # NotFound: nothing to refer to
    items = [i for i in document.get("items", []) if isinstance(i, Mapping)]
    ids = {str(i.get("id")) for i in items}
    ident, n = approach, 1
    while ident in ids:
        n += 1
        ident = f"{approach}-{n}"
    changed = {**document, "items": [*items, {"id": ident, "approach": approach}]}
    return save_draft(
        desk,
        slug,
        changed,
        base_revision=base_revision,
        by=by,
        now=now,
        message=f"added {approach} from the library",
    )
