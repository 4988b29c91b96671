"""The links every message carries, signed so they cannot be guessed or altered."""

from __future__ import annotations

from urllib.parse import quote

from mailer.core.owners import subscriber_subject
from mailer.core.tokens import make_token


def in_language(url: str, language: str | None) -> str:
    """``url`` with ``?lang=<language>``: the page it opens speaks the reader's language."""
    return f"{url}?lang={quote(language)}" if language else url


def unsubscribe_url(
    base_url: str, key: str, subscriber_id: int, nonce: str, language: str | None = None
) -> str:
    """``nonce`` is the subscriber's link nonce (``mailer.core.owners``)."""
    token = make_token(key, "unsubscribe", subscriber_subject(subscriber_id, nonce))
    return in_language(f"{base_url.rstrip('/')}/u/{token}", language)


def preferences_url(
    base_url: str, key: str, subscriber_id: int, nonce: str, language: str | None = None
) -> str:
    token = make_token(key, "preferences", subscriber_subject(subscriber_id, nonce))
    return in_language(f"{base_url.rstrip('/')}/preferences/{token}", language)


def view_online_url(base_url: str, slug: str, language: str) -> str:
    return f"{base_url.rstrip('/')}/archive/{quote(slug)}?lang={quote(language)}"


def event_calendar_url(base_url: str, slug: str, item_id: str, language: str) -> str:
    """The ``.ics`` of an event item, its words in ``language``: one address for every
    reader of that language, with nothing personal in it (``/events/…``)."""
    return in_language(
        f"{base_url.rstrip('/')}/events/{quote(slug)}/{quote(item_id)}.ics", language
    )
