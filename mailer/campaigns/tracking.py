"""Open and click tracking: record what a tracking link reports, and count it per campaign.

Only campaigns whose ``campaign.toml`` (as started) says ``tracking = true`` record events.
A click's destination comes from that frozen source: the link at the token's position in
``tracked_links`` of the delivery's language, never from the request.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from mailer.core.campaigns import Campaign, parse_campaign
from mailer.core.tracking import CLICK, OPEN, REPEAT_WINDOW, read_click, read_open
from mailer.db import Database, deliveries, events, links
from mailer.db import campaigns as stored_campaigns
from mailer.errors import NotFound
from mailer.render.tracking import tracked_links


@dataclass(frozen=True)
class LinkStats:
    position: int  # in the link list (item links first, so the same in every language)
    link: str
    clicks: int
    clickers: int  # distinct deliveries


@dataclass(frozen=True)
class Stats:
    slug: str
    tracking: bool
    sent: int
    opens: int
    openers: int  # distinct deliveries: "unique opens"
    clicks: int
    clickers: int
    links: list[LinkStats]

    def as_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "tracking": self.tracking,
            "sent": self.sent,
            "opens": self.opens,
            "unique_opens": self.openers,
            "clicks": self.clicks,
            "unique_clicks": self.clickers,
            "links": [
                {
                    "position": link.position,
                    "link": link.link,
                    "clicks": link.clicks,
                    "unique_clicks": link.clickers,
                }
                for link in self.links
            ],
        }


@lru_cache(maxsize=32)
def _campaign(slug: str, source: str) -> Campaign | None:
    """The campaign as started (parsed once per process: every click of an issue needs it)."""
    try:
        campaign, _ = parse_campaign(slug, tomllib.loads(source), f"campaign {slug} (as started)")
    except tomllib.TOMLDecodeError:
        return None
    return campaign


@lru_cache(maxsize=256)
def _links(slug: str, source: str, language: str | None, website: str) -> tuple[str, ...]:
    campaign = _campaign(slug, source)
    if campaign is None:
        return ()
    shown = campaign.default_language
    if language is not None and language in campaign.content:
        shown = language
    return tracked_links(campaign, shown, website=website)


def record_open(database: Database, keys: dict[str, str], token: str, *, now: datetime) -> bool:
    """Records an open for a valid open token of a tracked campaign; True if one was written.

    A second open of the same delivery within ``REPEAT_WINDOW`` is not recorded (image proxies
    and clients fetch the pixel several times). A bad token records nothing.
    """
    named = read_open(keys, token)
    if named is None:
        return False
    with database.write() as conn:
        delivery_id = links.delivery_named(conn, named)
        found = None if delivery_id is None else events.target(conn, delivery_id, lock=True)
        if found is None:
            return False
        campaign = _campaign(found.slug, found.source)
        if campaign is None or not campaign.tracking:
            return False
        if events.seen_since(conn, found.delivery_id, OPEN, None, now - REPEAT_WINDOW):
            return False
        events.record(
            conn,
            kind=OPEN,
            delivery_id=found.delivery_id,
            campaign_id=found.campaign_id,
            link=None,
            now=now,
        )
    return True


def follow_click(
    database: Database, keys: dict[str, str], token: str, *, website: str, now: datetime
) -> str | None:
    """The destination of a click token, recording the click; ``None`` for any bad token.

    ``website`` is the organisation's website (the last tracked link, see ``tracked_links``).
    A token of a campaign with tracking off still leads to its link but records nothing; a
    repeat click on the same link within ``REPEAT_WINDOW`` is not recorded again.
    """
    found_token = read_click(keys, token)
    if found_token is None:
        return None
    named, position = found_token
    with database.write() as conn:
        delivery_id = links.delivery_named(conn, named)
        found = None if delivery_id is None else events.target(conn, delivery_id, lock=True)
        if found is None:
            return None
        destinations = _links(found.slug, found.source, found.language, website)
        if position >= len(destinations):
            return None
        campaign = _campaign(found.slug, found.source)
        if (
            campaign is not None
            and campaign.tracking
            and not events.seen_since(conn, found.delivery_id, CLICK, position, now - REPEAT_WINDOW)
        ):
            events.record(
                conn,
                kind=CLICK,
                delivery_id=found.delivery_id,
                campaign_id=found.campaign_id,
                link=position,
                now=now,
            )
    return destinations[position]


def stats(database: Database, slug: str, *, website: str = "") -> Stats:
    """Opens and clicks of a started campaign, per campaign and per link."""
    with database.read() as conn:
        stored = stored_campaigns.find(conn, slug)
        if stored is None:
            raise NotFound("campaign", slug)
        sent = deliveries.counts(conn, stored.id)["sent"]
        counts = events.counts(conn, stored.id)
    campaign = _campaign(stored.slug, stored.source)
    by_link: dict[str, LinkStats] = {}
    for row in counts.links:
        links = _links(stored.slug, stored.source, row.language, website)
        link = links[row.link] if row.link < len(links) else f"(link {row.link})"
        before = by_link.get(link)
        by_link[link] = LinkStats(
            position=row.link if before is None else min(before.position, row.link),
            link=link,
            clicks=row.clicks + (before.clicks if before else 0),
            clickers=row.clickers + (before.clickers if before else 0),
        )
    return Stats(
        slug=stored.slug,
        tracking=campaign is not None and campaign.tracking,
        sent=sent,
        opens=counts.opens,
        openers=counts.openers,
        clicks=counts.clicks,
        clickers=counts.clickers,
        links=sorted(by_link.values(), key=lambda link: (-link.clicks, link.position)),
    )
