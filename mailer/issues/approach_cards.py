"""An approach's card as a newsletter shows it: a one-item issue that refers to the approach,
read through the one path every issue takes (``issue_text``: the resolver, then the
``Campaign``) and composed by the issue's message builder with the real newsletter template.
Nothing is stored; the approach may be a draft, or the editor's unsaved form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mailer.campaigns.preview import PREVIEW_RECIPIENT
from mailer.core.approach_refs import Pinned
from mailer.core.approaches import title_of
from mailer.core.issue_text import issue_text
from mailer.errors import InvalidValue
from mailer.issues.desk import Desk

PREVIEW_SLUG = "approach-preview"
ITEM_KEY = re.compile(r"^items\[0\](?: \([^)]*\))?\.?")


def card_document(slug: str, language: str, subject: str, intro: str) -> dict[str, Any]:
    """The one-item issue the card is shown in (``lists`` is never sent to: it is a preview)."""
    return {
        "template": "newsletter",
        "lists": ["preview"],
        "languages": [language],
        "content": {language: {"subject": subject, "intro": intro}},
        "items": [{"id": slug, "approach": slug}],
    }


def card_preview(
    desk: Desk,
    slug: str,
    document: Mapping[str, Any],
    language: str,
    *,
    revision: int = 0,
    intro: str = "…",
) -> str:
    """The message HTML of a newsletter in ``language`` whose one item is the approach
    ``document``; ``InvalidValue`` (naming the field) when it cannot be shown yet."""
    content = document.get("content")
    if not isinstance(content, Mapping) or language not in content:
        raise InvalidValue(f"content.{language}", "has no title and summary yet")
    # only the language shown: another language's gaps are the editor's checks, not this card's
    document = {**document, "content": {language: content[language]}}
    subject = title_of(document, (language,)) or slug
    issue = card_document(slug, language, subject, intro)
    found = issue_text(PREVIEW_SLUG, 0, "", issue, library={slug: Pinned(slug, revision, document)})
    errors = found.errors
    if found.campaign is None or errors:
        first = errors[0] if errors else None
        # the approach's own field: "link", not the one-item newsletter's "items[0] (slug).link"
        key = ITEM_KEY.sub("", first.key) if first else "document"
        raise InvalidValue(key or "document", first.message if first else "")
    composer = desk.make_composer(found.campaign)
    compiled = composer.variant(composer.full_variant(language))
    return compiled.render(composer.personal_values(compiled, PREVIEW_RECIPIENT)).html
