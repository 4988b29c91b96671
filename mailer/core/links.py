"""The links every message carries, signed so they cannot be guessed or altered."""

from __future__ import annotations

from urllib.parse import quote

from mailer.core.owners import subscriber_subject
from mailer.core.tokens import make_token


def unsubscribe_url(base_url: str, key: str, subscriber_id: int, nonce: str) -> str:
    """``nonce`` is the subscriber's link nonce (``mailer.core.owners``)."""
    token = make_token(key, "unsubscribe", subscriber_subject(subscriber_id, nonce))
    return f"{base_url.rstrip('/')}/u/{token}"


def preferences_url(base_url: str, key: str, subscriber_id: int, nonce: str) -> str:
    token = make_token(key, "preferences", subscriber_subject(subscriber_id, nonce))
    return f"{base_url.rstrip('/')}/preferences/{token}"


def view_online_url(base_url: str, slug: str, language: str) -> str:
    return f"{base_url.rstrip('/')}/archive/{quote(slug)}?lang={quote(language)}"
