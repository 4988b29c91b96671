"""Rate limits kept in memory (per process), for forms and logins.

``RateLimit``: a key (an IP, an address) may do ``limit`` things per ``window`` seconds.
``FailureBackoff``: a key (an account at one client address) that keeps failing must wait
longer and longer before it may try again. Both tables are bounded: when full, the oldest
entries are dropped first, so a flood of new keys cannot grow memory. Behind several web
processes each keeps its own count; the limits are there to stop floods, not to count exactly.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimit:
    limit: int
    window: float  # seconds
    max_keys: int = 10_000
    clock: Callable[[], float] = time.monotonic  # durations, not dates: not App.clock
    _windows: OrderedDict[str, tuple[float, int]] = field(default_factory=OrderedDict)

    def hit(self, key: str) -> bool:
        """Count one attempt for ``key``; False when it is over the limit (refuse it)."""
        now = self.clock()
        started, count = self._windows.get(key, (now, 0))
        if now - started >= self.window:
            started, count = now, 0
        count += 1
        self._windows[key] = (started, count)
        self._windows.move_to_end(key)
        while len(self._windows) > self.max_keys:
            self._windows.popitem(last=False)
        return count <= self.limit

    def retry_after(self, key: str) -> int:
        """Seconds until ``key``'s window ends (for a ``Retry-After`` header)."""
        started, _ = self._windows.get(key, (self.clock(), 0))
        return max(1, int(self.window - (self.clock() - started)) + 1)


@dataclass
class FailureBackoff:
    """Failures per key: the first ``free`` cost nothing; after that the key waits before its
    next try, ``first_wait`` seconds doubling with each failure up to ``longest``. A success,
    or ``forget_after`` seconds without a failure, forgets the key."""

    free: int = 5
    first_wait: float = 1.0
    longest: float = 900.0
    forget_after: float = 3600.0
    max_keys: int = 10_000
    clock: Callable[[], float] = time.monotonic  # durations, not dates: not App.clock
    _failures: OrderedDict[str, tuple[int, float]] = field(default_factory=OrderedDict)

    def wait(self, key: str) -> int:
        """Whole seconds ``key`` must still wait before trying again (0: it may try now)."""
        count, last = self._failures.get(key, (0, 0.0))
        elapsed = self.clock() - last
        if count and elapsed >= max(self.forget_after, self.longest):
            del self._failures[key]
            return 0
        if count < self.free:
            return 0
        delay: float = min(self.first_wait * 2.0 ** (count - self.free), self.longest)
        return max(0, math.ceil(delay - elapsed))

    def failed(self, key: str) -> None:
        count, _ = self._failures.get(key, (0, 0.0))
        self._failures[key] = (count + 1, self.clock())
        self._failures.move_to_end(key)
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)


def client_key(host: str) -> str:
    """A client address as one key: IPv4 as is, IPv6 as its /64 (one host holds the /64)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
