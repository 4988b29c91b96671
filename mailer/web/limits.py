"""Fixed-window rate limits kept in memory (per process), for forms and logins.

A key (an IP, an address, ``login:<ip>``) may do ``limit`` things per ``window`` seconds.
The table is bounded: when it is full, the oldest windows are dropped first, so a flood of
new keys cannot grow memory. Behind several web processes each keeps its own count; the
limits are there to stop floods, not to count exactly.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimit:
    limit: int
    window: float  # seconds
    max_keys: int = 10_000
    clock: Callable[[], float] = time.monotonic
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
