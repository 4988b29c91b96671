"""A relay that fails in every way the issue lists, and one that throttles for a while:
nobody is missed, every unknown address is suppressed after one try, nothing else fails."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from mailer.db import Database
from tests.chaos.relay_faults import faulty_relay, throttled_relay

pytestmark = [pytest.mark.chaos, pytest.mark.subprocess]

RECIPIENTS = 600  # CI size: the property at 10,000 is benchmarks/chaos.py's


def test_faulty_relay_delivers_everyone_and_suppresses_every_550(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    run = asyncio.run(faulty_relay(db_url, tmp_path, recipients=RECIPIENTS, seed=18))
    found = run.detail
    # every fault of the mix happened, so each was survived
    for fault in ("connect_421", "rcpt_451", "data_451", "drop_before_dot", "drop_after_dot"):
        assert found.get(fault, 0) > 0, (fault, run.line())
    assert found["unknown_550"] > 0
    assert found["state"] == "sent"
    assert run.missed == 0
    assert run.sent == RECIPIENTS - found["unknown_550"]
    assert found["failed"] == 0
    # every 550 5.1.1: bounced, the person suppressed, and never asked again
    assert found["bounced"] == found["unknown_550"]
    assert found["retried_550"] == 0
    assert found["suppressed"] == found["bounced_people"] == found["unknown_550"]
    # duplicates come only from drops after the final dot, one at most for each
    assert run.duplicates <= run.bound
    assert found["duplicated_not_after_dot"] == 0


def test_throttling_relay_fails_nobody_and_the_campaign_goes_on_by_itself(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    run = asyncio.run(throttled_relay(db_url, tmp_path, recipients=RECIPIENTS))
    found = run.detail
    assert run.faults > 0  # the relay did say 421/454
    assert found["deferred_attempts"] > 0  # and the worker deferred what it refused
    # it backed off: a few tries each pause, not one for each of the ~750 messages left
    assert run.faults < 200
    assert found["state"] == "sent"  # then went on with nobody acting
    assert run.missed == 0
    assert run.duplicates == 0
    assert run.sent == RECIPIENTS
    assert found["failed"] == found["bounced"] == 0
