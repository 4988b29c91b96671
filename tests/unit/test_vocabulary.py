"""Interest names in segments, and the nearest known name for a typo."""

from __future__ import annotations

from mailer.core.segment_parser import parse_segment
from mailer.core.vocabulary import did_you_mean, interests_in

KNOWN = {"fatherhood", "youth", "violence prevention"}


def test_every_interest_a_segment_names_is_found() -> None:
    segment = parse_segment(
        'country = GE and (interest in (youth, "fatherhod") or not interest = "violence")'
    )
    assert list(interests_in(segment)) == ["youth", "fatherhod", "violence"]
    assert list(interests_in(parse_segment("country = GE"))) == []


def test_did_you_mean_names_the_closest_known_interest_only_when_close() -> None:
    assert did_you_mean("fatherhod", KNOWN) == "; did you mean 'fatherhood'?"
    assert did_you_mean("violence prevnetion", KNOWN) == "; did you mean 'violence prevention'?"
    assert did_you_mean("astrology", KNOWN) == ""
