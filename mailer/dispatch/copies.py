"""Test copies of an issue: one per language to each given address, outside the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailer.core.campaigns import Campaign
from mailer.core.delivery import Outcome
from mailer.core.message import build_message, campaign_headers
from mailer.core.subscribers import Recipient
from mailer.core.times import epoch_seconds
from mailer.render.compose import Composer
from mailer.smtp.dkim import DkimSigner
from mailer.smtp.pool import RelayPool

TEST_MARK = "[TEST] "


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
    sender: str,
    sender_domain: str,
    bounce_domain: str,
    now: datetime,
    dkim: DkimSigner | None = None,
) -> list[SentCopy]:
    """Every language of ``composer.campaign`` to every address, subject marked ``[TEST]``."""
    campaign: Campaign = composer.campaign
    copies = []
    for number, address in enumerate(addresses):
        recipient = Recipient(0, address, "", None, None, frozenset())
        for language in campaign.languages:
            variant = composer.variant(composer.full_variant(language))
            values = composer.personal_values(variant, recipient)
            message = variant.render(values)
            headers = campaign_headers(
                sender=sender,
                name="",
                email=address,
                subject=TEST_MARK + message.subject,
                message_id=f"<test.{campaign.slug}.{language}.{number}.{epoch_seconds(now)}"
                f"@{sender_domain}>",
                date=now,
                unsubscribe_url=values["unsubscribe_url"],
                unsubscribe_mailto=f"mailto:unsubscribe@{bounce_domain}",
                list_name=campaign.lists[0],
                slug=campaign.slug,
                language=language,
                stream="test",
                domain=sender_domain,
            )
            data = build_message(
                headers, text=message.text, html=message.html, boundary=f"=_test{number}{language}"
            )
            if dkim is not None:
                data = dkim.sign(data, timestamp=epoch_seconds(now))
            outcome = await relay.send(f"bounces@{bounce_domain}", address, data)
            copies.append(SentCopy(address, language, outcome))
    return copies
