"""Who an issue goes to, and in which variant: recipients per language and per variant."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from mailer.core.campaigns import Campaign
from mailer.core.segment_parser import parse_segment
from mailer.core.selection import VariantKey
from mailer.core.subscribers import Recipient
from mailer.db import Database
from mailer.db.segments import audience_clause
from mailer.db.subscribers import iter_recipients
from mailer.render.compose import Composer


@dataclass
class AudienceReport:
    total: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    by_variant: Counter[VariantKey] = field(default_factory=Counter)
    example: dict[VariantKey, Recipient] = field(default_factory=dict)


def recipients(database: Database, campaign: Campaign) -> Iterator[Recipient]:
    """Active subscribers on any of the campaign's lists who match its segment."""
    segment = parse_segment(campaign.segment) if campaign.segment else None
    with database.read() as conn:
        where = audience_clause(conn, segment=segment, lists=campaign.lists)
        yield from iter_recipients(conn, where)


def audience(database: Database, composer: Composer) -> AudienceReport:
    report = AudienceReport()
    for recipient in recipients(database, composer.campaign):
        key = composer.variant_key(recipient)
        report.total += 1
        report.by_language[key.language] += 1
        report.by_variant[key] += 1
        report.example.setdefault(key, recipient)
    return report
