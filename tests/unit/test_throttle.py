"""The token bucket that keeps sending under ``sending.rate``."""

from __future__ import annotations

from mailer.core.throttle import TokenBucket


def test_unlimited_never_waits() -> None:
    bucket = TokenBucket(rate=0)
    assert [bucket.take(0.0) for _ in range(1000)] == [0.0] * 1000


def test_rate_is_kept_over_a_long_run() -> None:
    bucket = TokenBucket(rate=10, burst=10)
    now, sent = 0.0, 0
    while now < 60:
        wait = bucket.take(now)
        now += wait
        sent += 1
    assert 600 <= sent <= 611  # 10 a second for 60 s, plus the first burst


def test_a_burst_then_waiting() -> None:
    bucket = TokenBucket(rate=2, burst=2)
    assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == 0.5
    assert bucket.take(0.0) == 1.0
