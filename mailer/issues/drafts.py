"""What the issue editor page needs besides saving: pick lists, a check of an unsaved draft
(lint's problems by field, what each language lacks, the audience it reaches) and its preview
as a language or as a subscriber, with the Gmail clipping budget. Nothing here writes.

A draft is a document as the person has it in the page, not stored yet; it is read through
``issue_text`` like every stored revision, so lint and preview see what a save would store.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from threading import Lock
from typing import Any

from mailer.campaigns.lint import GMAIL_CLIP_BYTES
from mailer.campaigns.preview import PREVIEW_RECIPIENT
from mailer.core.campaigns import Campaign
from mailer.core.issue_documents import missing_by_language, to_document
from mailer.core.issue_text import IssueText
from mailer.core.problems import Problem
from mailer.core.segment_parser import parse_segment
from mailer.core.subscribers import Recipient
from mailer.db import counts, lists
from mailer.db import issues as stored
from mailer.db import subscribers as people
from mailer.db.segments import audience_clause, count_where
from mailer.errors import InvalidValue, MailerError, NotFound
from mailer.issues.desk import Desk
from mailer.issues.readers import issue_language, reader_as
from mailer.render.compile import CompiledVariant, RenderedMessage
from mailer.render.templates import TemplateSet


@dataclass(frozen=True)
class Choices:
    """What the pick lists of the editor offer: what subscribers actually have."""

    lists: list[str]
    countries: list[tuple[str, int]]  # (ISO code, active subscribers), most first
    interests: list[tuple[str, int]]  # (name, active subscribers), most first
    languages: list[tuple[str, int]]  # (tag, active subscribers), most first
    templates: list[str]


def choices(desk: Desk, templates: TemplateSet) -> Choices:
    """The lists, and the countries, interests and languages of active subscribers."""
    with desk.database.read() as conn:
        names = [summary.name for summary in lists.list_summaries(conn)]
        by_country = counts.subscribers_by(conn, "country", status="active")
        by_interest = counts.subscribers_by_interest(conn)
        by_language = counts.subscribers_by(conn, "language", status="active")
    return Choices(
        names,
        [(code, n) for code, n in by_country.items() if code != "-"],
        list(by_interest.items()),
        [(tag, n) for tag, n in by_language.items() if tag != "-"],
        templates.layouts(),
    )


@dataclass(frozen=True)
class DraftCheck:
    """What the editor shows beside the fields as the person types."""

    problems: list[Problem]
    missing: dict[str, list[str]]  # per language, the keys it still lacks
    audience: int | None  # active subscribers it reaches; None when lists/segment are wrong
    audience_error: str = ""
    # each item as it resolves (an item referring to an approach: the library's words under
    # the item's own), for the card's placeholders
    resolved_items: list[Any] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def as_json(self) -> dict[str, object]:
        return {
            "problems": [
                {"severity": p.severity, "key": p.key, "message": p.message} for p in self.problems
            ],
            "errors": len(self.errors),
            "missing": self.missing,
            "audience": self.audience,
            "audience_error": self.audience_error,
        }


def draft_text(desk: Desk, slug: str, document: Mapping[str, Any], base_revision: int) -> IssueText:
    """The draft as an ``IssueText`` (no campaign.toml text: it is not stored), its
    references to approaches resolved as a save would resolve them."""
    checked = to_document(document)
    with desk.database.read() as conn:
        return stored.text_of(conn, slug, base_revision, "", checked, f"issue {slug} (draft)")


def check_draft(desk: Desk, slug: str, document: Mapping[str, Any]) -> DraftCheck:
    """Lint's fast checks of the draft (those of every save), what each language lacks and
    how many active subscribers its lists and segment reach."""
    found = draft_text(desk, slug, document, 0)
    problems = desk.problems(found)
    audience, why = _audience(desk, found)
    items = found.document.get("items")
    resolved = list(items) if isinstance(items, list) else []
    return DraftCheck(problems, missing_by_language(found.document), audience, why, resolved)


def missing_in_draft(desk: Desk, slug: str, document: Mapping[str, Any]) -> dict[str, list[str]]:
    """What each language of the draft lacks, its approaches resolved (an item that refers to
    one lacks only what the library lacks too)."""
    return missing_by_language(draft_text(desk, slug, document, 0).document)


def _audience(desk: Desk, found: IssueText) -> tuple[int | None, str]:
    names = found.document.get("lists")
    segment = found.document.get("segment")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None, "lists: must be a list of list names"
    try:
        parsed = parse_segment(segment) if isinstance(segment, str) and segment.strip() else None
        with desk.database.read() as conn:
            return count_where(conn, audience_clause(conn, segment=parsed, lists=names)), ""
    except MailerError as exc:
        return None, str(exc)


@dataclass(frozen=True)
class DraftPreview:
    """One preview: the message, which variant it is, and its size against Gmail's clip."""

    message: RenderedMessage
    variant: str  # language:item+item
    language: str
    items: tuple[str, ...]
    who: str  # the subscriber it is shown as ("" for a language preview)
    html_bytes: int
    budget: int = GMAIL_CLIP_BYTES

    def as_json(self) -> dict[str, object]:
        return {
            "subject": self.message.subject,
            "variant": self.variant,
            "language": self.language,
            "items": list(self.items),
            "who": self.who,
            "html_bytes": self.html_bytes,
            "budget": self.budget,
        }


@dataclass(frozen=True)
class PreviewAs:
    """Whom to preview the draft as: a language (every item), one subscriber by address, or
    a sample subscriber of a country and interests (in ``language``)."""

    language: str = ""
    email: str = ""
    country: str = ""
    interests: frozenset[str] = frozenset()

    @property
    def sample(self) -> bool:
        return bool(self.country or self.interests)


@dataclass
class CompiledCache:
    """Compiled variants of recent drafts, so the preview frame and the size in the check
    compile each draft once. Keyed by the draft's content and the variant; small and bounded."""

    size: int = 32
    entries: OrderedDict[tuple[str, str], CompiledVariant] = field(default_factory=OrderedDict)
    lock: Lock = field(default_factory=Lock)

    def get(self, key: tuple[str, str]) -> CompiledVariant | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], compiled: CompiledVariant) -> None:
        with self.lock:
            self.entries[key] = compiled
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def preview_draft(
    desk: Desk,
    slug: str,
    document: Mapping[str, Any],
    who: PreviewAs,
    cache: CompiledCache | None = None,
) -> DraftPreview:
    """The draft as ``who`` gets it, even while other languages are incomplete.
    ``InvalidValue`` when it cannot be composed yet (lint's error, or the language has no text),
    ``NotFound`` for an unknown address or a language not in it."""
    found = draft_text(desk, slug, document, 0)
    campaign = found.campaign
    if campaign is None:  # a draft that cannot be read at all: lint's first error says why
        first = found.errors[0] if found.errors else None
        raise InvalidValue(first.key if first else "document", first.message if first else "")
    composer = desk.make_composer(campaign)
    person = _person(desk, who, campaign)
    if person is None:
        chosen = who.language or campaign.default_language
        key = composer.full_variant(issue_language(chosen, campaign))
        person = PREVIEW_RECIPIENT
    else:
        key = composer.variant_key(person)
    if key.language not in campaign.content:  # other languages may still be incomplete
        raise InvalidValue(f"content.{key.language}", "has no subject and introduction yet")
    content = repr(sorted(found.document.items()))
    cache_key = (content, key.name)
    compiled = cache.get(cache_key) if cache else None
    if compiled is None:
        compiled = composer.variant(key)
        if cache:
            cache.put(cache_key, compiled)
    person = replace(person, id=PREVIEW_RECIPIENT.id, link_nonce="")
    message = compiled.render(composer.personal_values(compiled, person))
    shown = "" if person.email == PREVIEW_RECIPIENT.email else person.email
    return DraftPreview(
        message, key.name, key.language, key.items, shown, len(message.html.encode())
    )


def _person(desk: Desk, who: PreviewAs, campaign: Campaign) -> Recipient | None:
    found = reader_as(
        desk,
        campaign,
        email=who.email,
        language=who.language,
        country=who.country,
        interests=who.interests,
    )
    if found is None or found.email:
        return found
    return replace(found, email=f"a subscriber in {found.country or 'any country'}")


def find_people(desk: Desk, text: str, *, limit: int = 10) -> list[Recipient]:
    """Subscribers whose address starts with ``text`` (at least 2 characters)."""
    text = text.strip().lower()
    if len(text) < 2:
        return []
    with desk.database.read() as conn:
        return people.search_recipients(conn, text, limit=limit)


@dataclass(frozen=True)
class Checked:
    """The check of a draft and its preview's figures (or why there is no preview yet)."""

    check: DraftCheck
    preview: DraftPreview | None
    preview_error: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            **self.check.as_json(),
            "preview": self.preview.as_json() if self.preview else None,
            "preview_error": self.preview_error,
        }


def check_with_preview(
    desk: Desk,
    slug: str,
    document: Mapping[str, Any],
    who: PreviewAs,
    cache: CompiledCache | None = None,
) -> Checked:
    """``check_draft`` and the figures of ``preview_draft`` (the variant, its size)."""
    check = check_draft(desk, slug, document)
    try:
        return Checked(check, preview_draft(desk, slug, document, who, cache))
    except MailerError as exc:
        return Checked(check, None, str(exc))


def preview_current(
    desk: Desk, slug: str, who: PreviewAs, cache: CompiledCache | None = None
) -> DraftPreview:
    """``preview_draft`` of the issue's current revision."""
    with desk.database.read() as conn:
        listed = stored.listed(conn, slug)
    if listed is None:
        raise NotFound("issue", slug)
    return preview_draft(desk, slug, listed.current.document, who, cache)
