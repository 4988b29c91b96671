"""Starting an issue from nothing but a slug and a title: the "New issue" form.

The first revision takes its settings (template, lists, languages and fallbacks, time zone,
series) from the newest stored issue, so next month's issue starts like last month's; the
title becomes the subject in the first language, and the person writes the rest in the
editor. Lint's problems (what is still missing) come back with it, as with any save.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mailer.core.issue_workflow import Actor
from mailer.db import issues as stored
from mailer.errors import InvalidValue
from mailer.issues.desk import Desk, Saved
from mailer.issues.store import create_issue

CARRIED = ("template", "lists", "languages", "fallback", "timezone", "series", "segment")
MAX_TITLE = 300
DEFAULTS: dict[str, Any] = {"template": "newsletter", "lists": [], "languages": ["en"]}


def starting_document(title: str, like: dict[str, Any] | None = None) -> dict[str, Any]:
    """A new issue's document: ``like``'s settings (or the defaults) and ``title`` as the
    subject in its first language."""
    source = like or DEFAULTS
    document = {key: source[key] for key in CARRIED if key in source}
    languages = document.get("languages")
    if not isinstance(languages, list) or not languages or not isinstance(languages[0], str):
        document["languages"] = languages = ["en"]
    document.setdefault("template", "newsletter")
    document["approved"] = False
    document["content"] = {languages[0]: {"subject": title}}
    document["items"] = []
    return document


def start_issue(desk: Desk, slug: str, title: str, *, by: Actor, now: datetime) -> Saved:
    """A new draft ``slug`` titled ``title`` (revision 1), set up like the newest issue;
    ``Conflict`` when the slug is taken, ``InvalidValue`` for an empty or long title."""
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidValue("title", "is empty: give the issue a title (its subject)")
    if len(cleaned) > MAX_TITLE:
        raise InvalidValue("title", f"is {len(cleaned)} characters; at most {MAX_TITLE}")
    with desk.database.read() as conn:
        newest = max(stored.all_listed(conn), key=lambda row: row.issue.created_at, default=None)
    like = dict(newest.current.document) if newest is not None else None
    return create_issue(
        desk, slug, starting_document(cleaned, like), by=by, now=now, message="new issue"
    )
