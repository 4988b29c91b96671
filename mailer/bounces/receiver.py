"""``mailer bounces receive``: the bounce domain's own inbound SMTP server.

It accepts mail only for ``bounces+<token>@<bounce domain>`` with a token whose HMAC checks
(everything else is refused at RCPT, so strangers cannot make us store anything), caps size,
MIME nesting and each peer's rate, and never answers by mail: a message it cannot use is
refused in the SMTP dialogue or accepted and dropped, never bounced back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from mailer.bounces.ingest import Ingest
from mailer.core.owners import Named
from mailer.core.privacy import address_tag
from mailer.core.throttle import TokenBucket
from mailer.errors import BounceRefused
from mailer.smtp.inbound import InboundRules

log = logging.getLogger(__name__)
LOCAL_PREFIX = "bounces+"
UNSUBSCRIBE_PREFIX = "unsubscribe+"
MAX_PEERS = 10_000


@dataclass
class Receiver:
    ingest: Ingest
    domain: str
    per_peer_per_minute: int = 120
    # RFC 2369 ``mailto:unsubscribe+<token>@<domain>``: unsubscribes a delivery's recipient
    unsubscribe: Callable[[Named], list[str]] | None = None
    received: int = 0
    recorded: int = 0
    _peers: OrderedDict[str, TokenBucket] = field(default_factory=OrderedDict, repr=False)

    def rules(self) -> InboundRules:
        return InboundRules(self.refuse_recipient, self.refuse_peer, self.deliver)

    def token_of(self, address: str, prefix: str = LOCAL_PREFIX) -> str | None:
        """The token of ``<prefix><token>@<domain>``, or None for any other address."""
        local, _, domain = address.strip("<>").rpartition("@")
        if domain.lower() != self.domain.lower() or not local.lower().startswith(prefix):
            return None
        return local[len(prefix) :] or None

    def refuse_recipient(self, address: str) -> str | None:
        token = self.token_of(address)
        if token is None and self.unsubscribe is not None:
            token = self.token_of(address, UNSUBSCRIBE_PREFIX)
        if token is None or self.ingest.delivery_of_token(token) is None:
            return "550 5.1.1 No such mailbox here"
        return None

    def refuse_peer(self, peer: str) -> str | None:
        if self.per_peer_per_minute <= 0:
            return None
        bucket = self._peers.pop(peer, None)
        if bucket is None:
            rate = self.per_peer_per_minute / 60
            bucket = TokenBucket(rate, burst=max(1.0, self.per_peer_per_minute / 6))
        self._peers[peer] = bucket
        while len(self._peers) > MAX_PEERS:
            self._peers.popitem(last=False)
        # a rate bucket measures durations: time.monotonic, not App.clock (a date)
        if bucket.take(time.monotonic()) > 0:
            return "450 4.7.1 Too many messages from your address, try again later"
        return None

    async def deliver(self, recipients: list[str], raw: bytes) -> str:
        self.received += 1
        leaving = [self.token_of(r, UNSUBSCRIBE_PREFIX) for r in recipients]
        if self.unsubscribe is not None and any(leaving):
            for leaver in filter(None, leaving):
                named = self.ingest.delivery_of_token(leaver)
                if named is not None:
                    left = await asyncio.to_thread(self.unsubscribe, named)
                    log.info("unsubscribed by mail from %s", ", ".join(left) or "nothing more")
            return "250 2.0.0 Unsubscribed"
        token = self.token_of(recipients[0]) if recipients else None
        try:
            result = await asyncio.to_thread(
                self.ingest.message, raw, source="receiver", envelope_token=token
            )
        except BounceRefused as exc:
            log.warning("refused a returned message: %s", exc)
            return f"554 5.6.0 {exc}"
        if result.recorded:
            self.recorded += 1
            # the log names recipients by a keyed hash, never by their address
            tags = [address_tag(self.ingest.log_key, r) for r in result.report.recipients[:5]]
            more = len(result.report.recipients) - len(tags)
            log.info(
                "%s bounce for %s%s: %s",
                result.report.kind.value,
                ", ".join(tags) or "-",
                f" and {more} more" if more > 0 else "",
                "; ".join(result.actions[:5]),
            )
        else:
            log.info("accepted and dropped a message that is not a bounce")
        return "250 2.0.0 OK"
