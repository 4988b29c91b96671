"""A token bucket: at most ``rate`` messages a second on average, bursts up to ``burst``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TokenBucket:
    rate: float  # tokens a second; 0 means unlimited
    burst: float = 1.0
    tokens: float = 0.0
    updated: float | None = None

    def take(self, now: float) -> float:
        """Take one token; returns how many seconds to wait before using it (0 if none)."""
        if self.rate <= 0:
            return 0.0
        if self.updated is None:
            self.updated, self.tokens = now, self.burst
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class DomainBuckets:
    """One token bucket per recipient domain that has a limit; other domains pass freely."""

    def __init__(self, rates: dict[str, float]) -> None:
        self._buckets = {
            domain: TokenBucket(rate, burst=max(1.0, rate)) for domain, rate in rates.items()
        }

    def take(self, address: str, now: float) -> float:
        bucket = self._buckets.get(address.rpartition("@")[2].lower())
        return 0.0 if bucket is None else bucket.take(now)
