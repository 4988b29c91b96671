"""Which items of an issue a subscriber is shown, and so which variant they receive."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mailer.core.campaign_items import Item
from mailer.core.campaigns import Campaign
from mailer.core.languages import resolve_language
from mailer.core.zones import zone_of_country


@dataclass(frozen=True, order=True)
class VariantKey:
    """Recipients with the same key get byte-identical messages but for their personal fields."""

    language: str
    items: tuple[str, ...]
    # the reader's time zone, only when their items include an event or a call (their times
    # are shown in it); "" otherwise, or when their country's zone is unknown
    zone: str = ""

    @property
    def name(self) -> str:
        shown = f"{self.language}:{'+'.join(self.items)}"
        return f"{shown}@{self.zone}" if self.zone else shown


def _country_ok(item: Item, country: str | None) -> bool:
    return not item.countries or (country is not None and country in item.countries)


def select_items(
    items: Iterable[Item], *, country: str | None, interests: frozenset[str], min_items: int
) -> tuple[str, ...]:
    """Item ids in the order shown.

    An item is meant for a subscriber when its countries (if any) include theirs and its
    interests (if any) meet theirs. Items matching their interests come first, then the
    general ones, in the order staff wrote them. When fewer than ``min_items`` are meant for
    them, items targeted at other interests fill up (never items for other countries).
    """
    candidates = [item for item in items if _country_ok(item, country)]
    matched_interest = [i for i in candidates if i.interests and i.interests & interests]
    general = [i for i in candidates if not i.interests]
    chosen = [*matched_interest, *general]
    if len(chosen) < min_items:
        ids = {item.id for item in chosen}
        for item in candidates:
            if len(chosen) >= min_items:
                break
            if item.id not in ids:
                chosen.append(item)
    return tuple(item.id for item in chosen)


def variant_for(
    campaign: Campaign, *, language: str | None, country: str | None, interests: frozenset[str]
) -> VariantKey:
    """The variant of ``campaign`` for a subscriber with these facts."""
    chosen = resolve_language(
        language,
        campaign.languages,
        fallback=campaign.fallback,
        default=campaign.default_language,
    )
    items = select_items(
        campaign.items, country=country, interests=interests, min_items=campaign.min_items
    )
    timed = [item.id for item in campaign.items if item.kind != "approach"]
    if not timed or not any(item_id in items for item_id in timed):
        return VariantKey(chosen, items)
    return VariantKey(chosen, items, zone_of_country(country) or "")


def items_by_id(campaign: Campaign) -> Mapping[str, Item]:
    return {item.id: item for item in campaign.items}
