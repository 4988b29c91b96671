"""The decaying bounce score and what each kind of bounce does to a subscriber."""

from __future__ import annotations

from datetime import datetime, timedelta

from mailer.core.bounce_policy import BouncePolicy, Standing, decide
from mailer.core.bounces import Kind

POLICY = BouncePolicy(soft_score=0.5, threshold=5.0, forget_after=timedelta(days=7))
T0 = datetime(2026, 12, 1, 9, 0)
ACTIVE = Standing("active", 0.0, None)


def test_hard_bounce_suppresses_at_once() -> None:
    decision = decide(POLICY, ACTIVE, Kind.HARD, blocked=False, now=T0)
    assert (decision.status, decision.suppress) == ("bounced", "hard_bounce")


def test_policy_rejection_keeps_the_address() -> None:
    decision = decide(POLICY, ACTIVE, Kind.HARD, blocked=True, now=T0)
    assert (decision.status, decision.suppress) == (None, None)
    assert "address kept" in decision.action


def test_complaint_unsubscribes_everywhere_and_suppresses() -> None:
    decision = decide(POLICY, ACTIVE, Kind.COMPLAINT, blocked=False, now=T0)
    assert (decision.status, decision.suppress, decision.unsubscribe_all) == (
        "complained",
        "complaint",
        True,
    )


def test_a_hard_bounce_never_turns_a_complaint_into_a_bounce() -> None:
    decision = decide(POLICY, Standing("complained", 0, None), Kind.HARD, blocked=False, now=T0)
    assert (decision.status, decision.suppress) == (None, "hard_bounce")


def test_delayed_and_auto_replies_change_nothing() -> None:
    for kind in (Kind.DELAYED, Kind.AUTO_REPLY):
        decision = decide(POLICY, Standing("active", 2.0, T0), kind, blocked=False, now=T0)
        assert (decision.score, decision.status, decision.suppress) == (2.0, None, None)


def test_one_soft_bounce_a_day_counts() -> None:
    standing = ACTIVE
    for hour in (0, 3, 8):
        decision = decide(
            POLICY, standing, Kind.SOFT, blocked=False, now=T0 + timedelta(hours=hour)
        )
        standing = Standing("active", decision.score, decision.last_soft_at)
    assert standing.score == 0.5


def test_ten_days_of_soft_bounces_reach_the_threshold() -> None:
    standing, decisions = ACTIVE, []
    for day in range(10):
        decision = decide(POLICY, standing, Kind.SOFT, blocked=False, now=T0 + timedelta(days=day))
        decisions.append(decision)
        standing = Standing("active", decision.score, decision.last_soft_at)
    assert [d.status for d in decisions[:9]] == [None] * 9
    assert decisions[8].score == 4.5
    assert (decisions[9].score, decisions[9].status, decisions[9].suppress) == (
        5.0,
        "bounced",
        "soft_bounce",
    )


def test_a_score_is_forgotten_after_a_quiet_week() -> None:
    standing = Standing("active", 4.5, T0)
    later = decide(POLICY, standing, Kind.SOFT, blocked=False, now=T0 + timedelta(days=8))
    assert (later.score, later.status) == (0.5, None)
    within = decide(POLICY, standing, Kind.SOFT, blocked=False, now=T0 + timedelta(days=6))
    assert within.status == "bounced"
