"""The public archive: issues whose campaign was sent, as they were sent (never a draft)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime

from mailer.core.campaigns import SLUG, Campaign, parse_campaign
from mailer.db import Database
from mailer.db import archive as queries


@dataclass(frozen=True)
class ArchivedIssue:
    slug: str
    sent_at: datetime | None
    languages: tuple[str, ...]
    subjects: dict[str, str]  # by language


def _parsed(slug: str, source: str) -> Campaign | None:
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError:
        return None
    campaign, _ = parse_campaign(slug, data, f"campaign {slug} (as sent)")
    return campaign


def sent_issues(database: Database) -> list[ArchivedIssue]:
    """Every sent issue, the latest first; one whose stored source no longer parses is left out."""
    with database.read() as conn:
        stored = queries.sent_campaigns(conn)
    issues = []
    for row in stored:
        campaign = _parsed(row.slug, row.source)
        if campaign is not None:
            subjects = {
                lang: campaign.content[lang].subject
                for lang in campaign.languages
                if lang in campaign.content
            }
            issues.append(ArchivedIssue(row.slug, row.finished_at, campaign.languages, subjects))
    return issues


def sent_issue(database: Database, slug: str) -> Campaign | None:
    """The sent issue ``slug`` as it was sent; None when there is no such sent issue (nor
    could be: a name no issue may have is not looked up, PostgreSQL refuses a NUL in it)."""
    if not SLUG.fullmatch(slug):
        return None
    with database.read() as conn:
        row = queries.sent_campaign(conn, slug)
    return None if row is None else _parsed(row.slug, row.source)
