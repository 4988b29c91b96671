"""Test copies of an issue: one per language to each given address, outside the ledger.

A test copy's unsubscribe and preferences links (and List-Unsubscribe) open the page that says
"this is a test copy" (``/test-copy/…``): they name nobody, so they act on nobody.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import quote

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
    languages: Sequence[str] | None = None,
) -> list[SentCopy]:
    """Each of ``languages`` (default: every language of ``composer.campaign``) to every
    address, with every item, subject marked ``[TEST]``."""
    composer = replace(composer, compiled={}, test_copy=True)
    campaign = composer.campaign
    chosen = campaign.languages if languages is None else languages
    keys = [composer.full_variant(language) for language in chosen]
    for key in keys:  # MJML and CSS inlining are slow: compiled in a thread, not in the loop
        await asyncio.to_thread(composer.variant, key)
    masthead = Masthead.of(campaign, default_sender)
    copies = []
    for number, address in enumerate(addresses):
        recipient = Recipient(0, address, "", None, None, frozenset())
        for key in keys:
            language, variant = key.language, composer.variant(key)
            values = {
                **composer.personal_values(variant, recipient),
                **test_copy_links(composer.base_url, language),
            }
            ref = f"{campaign.slug}.{language}.{number}.{epoch_seconds(now)}"
            letter = Letter(Stream.TEST, masthead, recipient, variant, now, values, ref=ref)
            built = builder.build(letter)
            outcome = await relay.send(built.envelope_from, address, built.data)
            copies.append(SentCopy(address, language, outcome))
    return copies


def test_copy_links(base_url: str, language: str) -> dict[str, str]:
    """The personal links of a test copy: the page saying it is a test copy, in its language."""
    lang = quote(language, safe="")
    return {
        "unsubscribe_url": f"{base_url}/test-copy/unsubscribe?lang={lang}",
        "preferences_url": f"{base_url}/test-copy/preferences?lang={lang}",
    }
