"""The ``.ics`` of an event item, served to readers at ``/events/<slug>/<item>.ics``.

It is made from the text readers got: the approved text while the issue is approved or
scheduled, the text sending started with once it has (the archive's). A draft or an issue in
review has no calendar file yet (its event may still change), nor has an item that is not an
event. Nothing writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from mailer.core.campaign_items import ITEM_ID
from mailer.core.campaigns import SLUG
from mailer.core.issue_text import IssueText, issue_text
from mailer.core.issue_workflow import APPROVED_STATES, STARTED_STATES
from mailer.core.languages import resolve_language
from mailer.db import issues as stored
from mailer.errors import NotFound
from mailer.issues.desk import Desk, state_of
from mailer.render import markdown
from mailer.render.calendar import event_ics


@dataclass(frozen=True)
class CalendarFile:
    data: bytes
    filename: str
    etag: str  # the text's hash, the item and the language: the file changes with them only


def published_text(desk: Desk, slug: str) -> tuple[IssueText, datetime] | None:
    """The text readers have of ``slug`` (approved, scheduled or started) and when that
    revision was written; None for a draft, an issue in review or no such issue."""
    with desk.database.read() as conn:
        listed = stored.listed(conn, slug)
        if listed is None:
            return None
        state = state_of(listed)
        if state in APPROVED_STATES:
            number: int | None = listed.current.number
        elif state in STARTED_STATES and listed.approved_hash is not None:
            number = stored.number_with_hash(conn, listed.issue.id, listed.approved_hash)
        else:
            return None
        revision = None if number is None else stored.revision(conn, listed.issue.id, number)
        if revision is None:
            return None
        text = issue_text(slug, revision.number, revision.source, revision.document)
        return text, revision.created_at


def event_calendar(
    desk: Desk, slug: str, item_id: str, *, language: str, base_url: str
) -> CalendarFile:
    """The ``.ics`` of item ``item_id`` of ``slug``, its words in ``language`` (the issue's
    fallback chain, then its first language); ``NotFound`` when there is none to give (an
    address that cannot name an issue's item is not looked up)."""
    if not (SLUG.fullmatch(slug) and ITEM_ID.fullmatch(item_id)):
        raise NotFound("event", f"{slug[:80]}/{item_id[:80]}")
    published = published_text(desk, slug)
    campaign = published[0].campaign if published is not None else None
    item = next((i for i in campaign.items if i.id == item_id), None) if campaign else None
    if published is None or campaign is None or item is None or item.event is None:
        raise NotFound("event", f"{slug}/{item_id}")
    found, written_at = published
    chosen = resolve_language(
        language, campaign.languages, fallback=campaign.fallback, default=campaign.default_language
    )
    text = item.content[chosen]
    host = urlsplit(base_url).hostname or "mailer.invalid"
    data = event_ics(
        uid=f"{slug}.{item_id}@{host}",
        title=text.title,
        description=f"{markdown.to_text(text.summary)}\n\n{item.link}",
        url=item.link,
        event=item.event,
        stamp=written_at,
        sequence=found.revision,
        language=chosen,
    )
    return CalendarFile(data, f"{item_id}.ics", f'"{found.hash[:32]}-{item_id}-{chosen}"')
