"""Whom a preview of an issue shows it as, shared by the editor's preview of a draft and the
review page's preview of a stored revision: one subscriber found by address, or a sample
reader of a country and interests in a language of the issue; None for a language preview.
Nothing writes."""

from __future__ import annotations

from mailer.core.campaigns import Campaign
from mailer.core.languages import resolve_language
from mailer.core.subscribers import Recipient, email_key, normalise_email
from mailer.db import subscribers as people
from mailer.errors import NotFound
from mailer.issues.desk import Desk


def reader_as(
    desk: Desk,
    campaign: Campaign,
    *,
    email: str = "",
    language: str = "",
    country: str = "",
    interests: frozenset[str] = frozenset(),
) -> Recipient | None:
    """The subscriber at ``email`` (``NotFound`` when there is none), else with a country or
    interests a sample reader (no address) in ``language`` or the issue's first, else None."""
    if email.strip():
        with desk.database.read() as conn:
            found = people.find_recipient(conn, email_key(normalise_email(email)))
        if found is None:
            raise NotFound("subscriber with the address", email.strip())
        return found
    if country.strip() or interests:
        chosen = issue_language(language or campaign.default_language, campaign)
        return Recipient(0, "", "", country.strip().upper() or None, chosen, interests)
    return None


def issue_language(chosen: str, campaign: Campaign) -> str:
    """``chosen`` as one of the issue's languages (its fallbacks followed); else ``NotFound``."""
    language = resolve_language(chosen, campaign.languages, fallback=campaign.fallback, default="")
    if not language or language not in campaign.languages:
        raise NotFound("language in this issue", chosen)
    return language
