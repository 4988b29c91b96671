"""Test copies of an issue: one per language to each given address, outside the ledger."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from mailer.core.delivery import Outcome
from mailer.core.subscribers import Recipient
from mailer.core.times import epoch_seconds
from mailer.render.compose import Composer
from mailer.render.outgoing import Letter, Masthead, MessageBuilder, Stream
from mailer.smtp.pool import RelayPool


@dataclass(frozen=True)
class SentCopy:
    address: str
    language: str
    outcome: Outcome


async def send_test_copies(
    composer: Composer,
    relay: RelayPool,
    addresses: list[str],
    *,
    builder: MessageBuilder,
    default_sender: str,
    now: datetime,
) -> list[SentCopy]:
    """Every language of ``composer.campaign`` to every address, subject marked ``[TEST]``."""
    campaign = composer.campaign
    keys = [composer.full_variant(language) for language in campaign.languages]
    for key in keys:  # MJML and CSS inlining are slow: compiled in a thread, not in the loop
        await asyncio.to_thread(composer.variant, key)
    masthead = Masthead.of(campaign, default_sender)
    copies = []
    for number, address in enumerate(addresses):
        recipient = Recipient(0, address, "", None, None, frozenset())
        for key in keys:
            language, variant = key.language, composer.variant(key)
            values = composer.personal_values(variant, recipient)
            ref = f"{campaign.slug}.{language}.{number}.{epoch_seconds(now)}"
            letter = Letter(Stream.TEST, masthead, recipient, variant, now, values, ref=ref)
            built = builder.build(letter)
            outcome = await relay.send(built.envelope_from, address, built.data)
            copies.append(SentCopy(address, language, outcome))
    return copies
