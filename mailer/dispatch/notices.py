"""Notices to staff (an occurrence that was not sent): plain text, outside the ledger.

Telling staff never stops what was being done: a failure is logged, not raised.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from mailer.core.privacy import address_tag
from mailer.core.subscribers import Recipient
from mailer.render.outgoing import Letter, Masthead, MessageBuilder, PlainText, Stream
from mailer.smtp.pool import RelayPool

log = logging.getLogger(__name__)


async def tell_staff(
    relay: RelayPool,
    builder: MessageBuilder,
    addresses: Sequence[str],
    notice: PlainText,
    *,
    sender: str,
    about: str,
    ref: str,
    now: datetime,
    log_key: str,
) -> None:
    """``notice`` to each address; ``about`` (a series, a campaign) and ``ref`` (what names
    this notice in Message-IDs) say what it concerns. The log names addresses by their tags."""
    masthead = Masthead(sender, "", "")
    try:
        for number, address in enumerate(addresses):
            staff = Recipient(0, address, "", None, None, frozenset())
            letter = Letter(Stream.NOTICE, masthead, staff, notice, now, {}, ref=f"{ref}.{number}")
            built = builder.build(letter)
            result = await relay.send(built.envelope_from, address, built.data)
            to = address_tag(log_key, address)
            log.info("staff told", extra={"to": to, "result": result.action.value})
    except Exception:
        log.exception("could not tell staff", extra={"series": about})
