"""The token bucket that keeps sending under ``sending.rate``."""

from __future__ import annotations

import pytest

from mailer.config import load_settings
from mailer.core.throttle import DomainBuckets, TokenBucket
from mailer.errors import ConfigError


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


def test_domain_limits_apply_only_to_their_domain() -> None:
    buckets = DomainBuckets({"gmail.com": 2.0})
    waits = [buckets.take("a@Gmail.com", 0.0) for _ in range(4)]
    assert waits == [0.0, 0.0, 0.5, 1.0]
    assert [buckets.take("b@mail.ru", 0.0) for _ in range(100)] == [0.0] * 100


def test_domain_rates_setting() -> None:
    settings = load_settings(environ={"MAILER_SENDING__DOMAIN_RATES": "gmail.com=10, Mail.ru=2.5"})
    assert settings.sending.domain_limits() == {"gmail.com": 10.0, "mail.ru": 2.5}
    with pytest.raises(ConfigError, match="sending.domain_rates"):
        load_settings(environ={"MAILER_SENDING__DOMAIN_RATES": "gmail.com:10"})
    with pytest.raises(ConfigError, match="gmail.com=0"):
        load_settings(environ={"MAILER_SENDING__DOMAIN_RATES": "gmail.com=0"})
