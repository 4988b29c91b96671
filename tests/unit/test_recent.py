"""``Recent`` keeps the most recently used values, at most its size."""

from __future__ import annotations

from mailer.core.recent import Recent


def test_the_least_recently_used_goes_first() -> None:
    kept: Recent[str, int] = Recent(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "a" is now the more recent
    kept.put("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (1, None, 3)


def test_a_taken_value_is_lent_until_put_back() -> None:
    kept: Recent[str, list[int]] = Recent(2)
    kept.put("a", [1])
    assert kept.take("a") == [1]
    assert kept.take("a") is None  # nobody else gets it meanwhile
    kept.put("a", [1, 2])
    assert kept.get("a") == [1, 2]
