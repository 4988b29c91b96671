"""Several relays with weights and failover, each behind its own circuit breaker.

A relay that answers 421 or refuses connections is left alone for a cool-off that grows with
each failure (``COOL_OFF``, 5 s up to 10 min: ``mailer.core.waiting`` explains every wait); the
message goes to the next healthy relay at once. Only when every relay is cooling off does the
worker hear "back off". A 454 (the relay throttles its client, e.g. "454 Throttling failure")
cools the relay off too: the message is deferred as DESIGN.md's table says, and the next ones
do not hammer a relay that asked for fewer.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from types import TracebackType

from mailer.core.delivery import Action, Outcome
from mailer.core.waiting import COOL_OFF
from mailer.smtp.relay import Relay

THROTTLED = 454  # a relay-wide "not now", unlike 450/451/452 about one recipient


@dataclass
class _Member:
    relay: Relay
    weight: float
    failures: int = 0
    down_until: float = 0.0


@dataclass
class RelayPool:
    members: list[_Member]
    rng: random.Random = field(default_factory=random.Random)
    cool_off: tuple[float, ...] = COOL_OFF  # seconds a relay rests after its 1st, 2nd, … failure

    @classmethod
    def of(cls, relays: list[tuple[Relay, float]], rng: random.Random | None = None) -> RelayPool:
        return cls([_Member(relay, weight) for relay, weight in relays], rng or random.Random())

    def order(self, now: float) -> list[_Member]:
        """Healthy relays in a weighted random order (each draw proportional to its weight)."""
        healthy = [m for m in self.members if m.down_until <= now]
        order: list[_Member] = []
        while healthy:
            chosen = self.rng.choices(healthy, weights=[m.weight for m in healthy])[0]
            order.append(chosen)
            healthy.remove(chosen)
        return order

    async def offers_8bitmime(self) -> bool:
        """True only when every relay offers 8BITMIME (a message may go to any of them)."""
        answers = [await member.relay.offers_8bitmime() for member in self.members]
        return all(answers)

    async def send(
        self,
        sender: str,
        recipient: str,
        message: bytes,
        *,
        eight_bit: bool = False,
        wire: bytes | None = None,
    ) -> Outcome:
        """``wire``: ``message`` in DATA form already (``data_bytes(message)``), made by the
        builder from parts it dot-stuffed once per variant."""
        last: Outcome | None = None
        # cool-offs are durations: time.monotonic, not App.clock (a date)
        for member in self.order(time.monotonic()):
            outcome = await member.relay.send(
                sender, recipient, message, eight_bit=eight_bit, wire=wire
            )
            if outcome.action != Action.RELAY_BACKOFF and outcome.code != THROTTLED:
                member.failures = 0
                return outcome
            rest = self.cool_off[min(member.failures, len(self.cool_off) - 1)]
            member.down_until = time.monotonic() + rest
            member.failures += 1
            last = outcome
        return last or Outcome(Action.RELAY_BACKOFF, None, None, "every relay is cooling off")

    async def close(self) -> None:
        """Quit every idle connection; the pool stays usable (a later send opens new ones)."""
        for member in self.members:
            await member.relay.close()

    async def __aenter__(self) -> RelayPool:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """``async with app.relay() as relay:``: no connection outlives the block."""
        await self.close()
