"""The audience builder's rules and saved-segment references in the segment language."""

from __future__ import annotations

import pytest

from mailer.core.segment_builder import Choices, compose, network_first
from mailer.core.segment_parser import parse_segment
from mailer.core.segments import Compare, Saved, render_segment, resolve, saved_names
from mailer.errors import SegmentSyntaxError


def test_choices_become_a_segment_that_parses_back() -> None:
    assert compose(Choices(status="")) == ""
    assert compose(Choices()) == "status = active"
    text = compose(Choices(country="GE", interest="violence prevention", language="sr-Latn"))
    wanted = 'country = GE and interest = "violence prevention" and language = sr-Latn'
    assert text == f"{wanted} and status = active"
    assert render_segment(parse_segment(text)) == text


def test_network_countries_come_first() -> None:
    assert network_first(["AM", "DE", "GE", "AZ", "GB", "RS"]) == [
        "AZ",
        "GE",
        "RS",
        "AM",
        "DE",
        "GB",
    ]


def test_saved_segments_are_referred_to_by_name_and_resolved() -> None:
    parsed = parse_segment("@georgia-fathers and not @youth")
    assert saved_names(parsed) == {"georgia-fathers", "youth"}
    assert render_segment(parsed) == "@georgia-fathers and not @youth"
    saved = {
        "georgia-fathers": parse_segment("country = GE"),
        "youth": parse_segment("attr.age = young"),
    }
    assert render_segment(resolve(parsed, saved)) == "country = GE and not attr.age = young"
    with pytest.raises(KeyError):
        resolve(Saved("gone"), saved)
    assert parse_segment("list = @members") == Compare("list", "=", "@members")  # a value
    with pytest.raises(SegmentSyntaxError):
        parse_segment("@Georgia")
