"""The links every message carries, signed so they cannot be guessed or altered."""

from __future__ import annotations

from urllib.parse import quote

from mailer.core.tokens import make_token


def unsubscribe_url(base_url: str, key: str, subscriber_id: int) -> str:
    return f"{base_url.rstrip('/')}/u/{make_token(key, 'unsubscribe', f's{subscriber_id}')}"


def preferences_url(base_url: str, key: str, subscriber_id: int) -> str:
    token = make_token(key, "preferences", f"s{subscriber_id}")
    return f"{base_url.rstrip('/')}/preferences/{token}"


def view_online_url(base_url: str, slug: str, language: str) -> str:
    return f"{base_url.rstrip('/')}/archive/{quote(slug)}?lang={quote(language)}"
