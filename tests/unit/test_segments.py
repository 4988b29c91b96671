"""The segment language: what staff may write, what it means, and what they are told when wrong."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailer.core.segment_parser import parse_segment
from mailer.core.segments import (
    And,
    Attr,
    Compare,
    In,
    Not,
    Or,
    Segment,
    SubscriberFacts,
    matches,
    render_segment,
)
from mailer.core.subscribers import STATUSES, normalise_interest
from mailer.errors import InvalidValue, SegmentSyntaxError
from tests.conftest import examples

GE = Compare("country", "=", "GE")
EN = Compare("language", "=", "en")
ACTIVE = Compare("status", "=", "active")


def test_the_documented_example_parses_to_its_meaning() -> None:
    text = (
        'country in (GE, AZ) and (interest = fatherhood or interest = "violence prevention")'
        " and not language = en"
    )
    assert parse_segment(text) == And(
        (
            In("country", ("GE", "AZ")),
            Or(
                (
                    Compare("interest", "=", "fatherhood"),
                    Compare("interest", "=", "violence prevention"),
                )
            ),
            Not(EN),
        )
    )


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("country = GE or language = en and status = active", Or((GE, And((EN, ACTIVE))))),
        ("(country = GE or language = en) and status = active", And((Or((GE, EN)), ACTIVE))),
        ("not country = GE and language = en", And((Not(GE), EN))),
        ("not (country = GE and language = en)", Not(And((GE, EN)))),
        ("not not country = GE", Not(Not(GE))),
        ("country = GE and (language = en and status = active)", And((GE, And((EN, ACTIVE))))),
        ("country = GE or language = en or status = active", Or((GE, EN, ACTIVE))),
    ],
)
def test_and_binds_tighter_than_or_and_not_tighter_than_both(text: str, meaning: Segment) -> None:
    assert parse_segment(text) == meaning


def test_keywords_and_field_names_are_case_insensitive() -> None:
    assert parse_segment("COUNTRY IN (ge) AND NOT Language = EN Or Status NOT IN (Active)") == Or(
        (And((In("country", ("GE",)), Not(EN))), In("status", ("active",), negated=True))
    )


def test_words_that_start_with_a_keyword_are_values_and_keywords_may_be_quoted_values() -> None:
    assert parse_segment("list = notes or list = order") == Or(
        (Compare("list", "=", "notes"), Compare("list", "=", "order"))
    )
    assert parse_segment('list = "and"') == Compare("list", "=", "and")


def test_quoted_values_keep_spaces_and_escaped_quotes() -> None:
    assert parse_segment(r'list = "Partner NGOs \"2026\""') == Compare(
        "list", "=", 'Partner NGOs "2026"'
    )
    assert parse_segment(r"attr.'org type' = 'it\'s ours'") == Compare(
        Attr("org type"), "=", "it's ours"
    )
    assert parse_segment(r'list = "back\\slash"') == Compare("list", "=", "back\\slash")


def test_unicode_bare_words_and_address_like_words_need_no_quotes() -> None:
    assert parse_segment("attr.город = Тбилиси") == Compare(Attr("город"), "=", "Тбилиси")
    assert parse_segment("attr.contact = ana@example.org:+995/1-2_3") == Compare(
        Attr("contact"), "=", "ana@example.org:+995/1-2_3"
    )


@pytest.mark.parametrize("spelling", ["GE", "ge", "GEO", "Georgia", '"georgia"'])
def test_a_country_may_be_written_as_code_or_english_name(spelling: str) -> None:
    assert parse_segment(f"country = {spelling}") == GE


def test_languages_and_interests_are_normalised_like_stored_values() -> None:
    assert parse_segment("language in (sr_latn, SR-latn-rs)") == In(
        "language", ("sr-Latn", "sr-Latn-RS")
    )
    assert parse_segment('interest = "  Violence   PREVENTION "') == Compare(
        "interest", "=", "violence prevention"
    )


def test_created_takes_a_utc_day_or_an_instant_converted_to_utc() -> None:
    assert parse_segment("created >= 2026-01-05") == Compare("created", ">=", date(2026, 1, 5))
    assert parse_segment("created < 2026-01-05T10:30+04:00") == Compare(
        "created", "<", datetime(2026, 1, 5, 6, 30)
    )
    assert parse_segment("created in (2026-01-05, 2026-01-07)") == In(
        "created", (date(2026, 1, 5), date(2026, 1, 7))
    )


FIELDS_HINT = "fields are country, language, interest, list, status, created, attr.<name>"


@pytest.mark.parametrize(
    ("text", "column", "says"),
    [
        ("country =", 10, "expected a value after '=', found the end of the segment"),
        ("country = (GE)", 11, "expected a value after '=', found '('"),
        ("country in (GE,", 16, "expected a value after ','"),
        ("country in (GE AZ)", 16, "expected ',' or ')' in the list of values, found 'AZ'"),
        ("country in GE", 12, "expected '(' and a list of values after 'in'"),
        ("country not GE", 13, "expected 'in' after 'not'"),
        ("country GE", 9, "expected an operator (=, !=, <, <=, >, >=, in, not in) after 'country'"),
        ("(country = GE", 14, "expected ')' to close the '(' at column 1"),
        ("country = GE and (language = en", 32, "expected ')' to close the '(' at column 18"),
        ("country = GE)", 13, "expected 'and', 'or' or the end of the segment, found ')'"),
        ("country = GE and", 17, "expected a condition such as country = GE after 'and'"),
        ("country = GE and or status = active", 18, "after 'and', found 'or'"),
        ("and country = GE", 1, "expected a condition such as country = GE, found 'and'"),
        ("()", 2, "expected a condition such as country = GE after '('"),
        ("country = North Macedonia", 17, "put a value that contains spaces in quotes"),
        ("list = a, b", 9, "for several values write: field in (a, b)"),
        ('list = "members', 8, 'this quoted value has no closing "'),
        ("country = GE & x", 14, "found '&'"),
        ("contry = GE", 1, f"unknown field 'contry' (did you mean 'country'?); {FIELDS_HINT}"),
        ("status = active and lang = en", 21, "unknown field 'lang'"),
        ("attr = x", 1, "attr needs a name after it"),
        ("country.org = x", 1, "only attr takes a name after '.'"),
        ("attr. = x", 7, "expected an attribute name after 'attr.', found '='"),
        ('attr."  " = x', 6, "expected an attribute name"),
        ("country = Narnia", 11, "unknown country 'Narnia'"),
        ("country in (GE, 'Atlantis')", 17, "unknown country 'Atlantis'"),
        ("language = english", 12, "'english' is not a BCP 47 language tag"),
        ("interest = ''", 12, "contains an empty interest name"),
        ("status = actve", 10, "unknown status 'actve'; statuses are unconfirmed, active"),
        ("created = 2026-13-01", 11, "expected a date such as 2026-01-05"),
        ("created < 9999-12-31", 11, "expected a date"),
        ("country < GE", 9, "'<' compares dates and works only with created"),
        ("attr.org >= x", 10, "use = or != with attr.org"),
        ("", 1, "the segment is empty"),
        ("   ", 1, "the segment is empty"),
    ],
)
def test_mistakes_name_the_column_and_what_was_expected(text: str, column: int, says: str) -> None:
    with pytest.raises(SegmentSyntaxError) as caught:
        parse_segment(text)
    assert caught.value.column == column
    assert says in caught.value.message
    assert f"column {column}:" in str(caught.value)


ALPHABET = st.sampled_from(
    [
        "country",
        "language",
        "interest",
        "list",
        "status",
        "created",
        "attr",
        ".",
        " ",
        "=",
        "!=",
        "<",
        ">=",
        "in",
        "not",
        "and",
        "or",
        "(",
        ")",
        ",",
        '"',
        "'",
        "\\",
        "GE",
        "sr",
        "2026-01-05",
        "x y",
        "é",
        "&",
        "\n",
    ]
)


@settings(max_examples=examples(300))
@given(st.lists(ALPHABET, max_size=12).map("".join))
def test_any_text_either_parses_or_raises_a_segment_syntax_error(text: str) -> None:
    try:
        segment = parse_segment(text)
    except SegmentSyntaxError as exc:
        error = exc
    else:
        assert parse_segment(render_segment(segment)) == segment
        return
    assert 1 <= error.column <= len(text) + 1


# -- canonical text -----------------------------------------------------------------------------


def test_render_is_canonical_and_adds_only_the_parentheses_needed() -> None:
    text = "COUNTRY in (ge, Azerbaijan) AND (interest = 'Violence  Prevention' OR list = \"a b\")"
    assert render_segment(parse_segment(text)) == (
        'country in (GE, AZ) and (interest = "violence prevention" or list = "a b")'
    )
    assert render_segment(Not(And((GE, Not(Or((EN, ACTIVE))))))) == (
        "not (country = GE and not (language = en or status = active))"
    )
    assert render_segment(Or((GE, Or((EN, ACTIVE))))) == (
        "country = GE or (language = en or status = active)"
    )


def _interest_or_none(text: str) -> str | None:
    try:
        return normalise_interest(text)
    except InvalidValue:
        return None


def _tree(leaves: st.SearchStrategy[Segment], depth: int) -> st.SearchStrategy[Segment]:
    if depth <= 1:
        return leaves
    below = _tree(leaves, depth - 1)
    several = st.lists(below, min_size=2, max_size=3).map(tuple)
    return st.one_of(leaves, below.map(Not), several.map(And), several.map(Or))


_TEXT = st.text(max_size=12)
_DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
_INSTANTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))
_VALUES: dict[Any, st.SearchStrategy[Any]] = {
    "country": st.sampled_from(["GE", "AZ", "BY", "KG", "MK", "RS", "TM", "XK", "AD"]),
    "language": st.sampled_from(["en", "ru", "sr", "sr-Latn", "sr-Latn-RS", "ka", "ky"]),
    "interest": st.text(min_size=1, max_size=12).map(_interest_or_none).filter(bool),
    "list": _TEXT,
    "status": st.sampled_from(STATUSES),
    "created": st.one_of(_DATES, _INSTANTS),
}
_FIELDS = st.one_of(
    st.sampled_from(list(_VALUES)),
    st.text(min_size=1, max_size=12).filter(str.strip).map(Attr),
)


@st.composite
def _leaf(draw: st.DrawFn) -> Segment:
    field = draw(_FIELDS)
    values = _TEXT if isinstance(field, Attr) else _VALUES[field]
    if draw(st.booleans()):
        chosen = draw(st.lists(values, min_size=1, max_size=3))
        return In(field, tuple(chosen), negated=draw(st.booleans()))
    ops = ["=", "!=", "<", "<=", ">", ">="] if field == "created" else ["=", "!="]
    return Compare(field, draw(st.sampled_from(ops)), draw(values))


SEGMENTS = _tree(_leaf(), depth=4)


@settings(max_examples=examples(300))
@given(SEGMENTS)
def test_rendered_text_parses_back_to_the_same_segment(segment: Segment) -> None:
    text = render_segment(segment)
    assert parse_segment(text) == segment
    assert render_segment(parse_segment(text)) == text


# -- meaning ------------------------------------------------------------------------------------


def facts(**changes: Any) -> SubscriberFacts:
    base: dict[str, Any] = {
        "country": "GE",
        "language": "sr-Latn",
        "interests": frozenset({"fatherhood"}),
        "lists": frozenset({"members"}),
        "status": "active",
        "created_at": datetime(2026, 1, 5, 12, 0),
        "attributes": {"org": "Centre"},
    }
    return SubscriberFacts(**(base | changes))


def holds(text: str, **changes: Any) -> bool:
    return matches(parse_segment(text), facts(**changes))


def test_country_and_a_missing_country() -> None:
    assert holds("country = Georgia")
    assert not holds("country != GE")
    assert holds("country in (AZ, GE)")
    assert not holds("country not in (AZ, GE)")
    assert not holds("country = GE", country=None)
    assert holds("country != GE", country=None)
    assert holds("country not in (GE, AZ)", country=None)
    assert holds("not country = GE", country=None)


@pytest.mark.parametrize(
    ("stored", "wanted", "expected"),
    [
        ("sr", "sr", True),
        ("sr-Latn", "sr", True),
        ("sr-Latn-RS", "sr", True),
        ("sr-Latn-RS", "sr-Latn", True),
        ("sr", "sr-Latn", False),
        ("srn", "sr", False),
        ("sr-Cyrl", "sr-Latn", False),
        (None, "sr", False),
    ],
)
def test_language_matches_the_tag_and_its_subtags(
    stored: str | None, wanted: str, expected: bool
) -> None:
    assert holds(f"language = {wanted}", language=stored) is expected
    assert holds(f"language != {wanted}", language=stored) is not expected


def test_interests_and_lists_are_memberships() -> None:
    assert holds("interest = FATHERHOOD")
    assert not holds("interest = research")
    assert holds("interest in (research, fatherhood)")
    assert holds("interest != research")
    assert not holds("interest != fatherhood")
    assert holds("list = members")
    assert not holds("list = Members")
    assert not holds("list = members", lists=frozenset())
    assert holds("list not in (press, partners)")


def test_status_is_exact() -> None:
    assert holds("status = active")
    assert holds("status != bounced")
    assert holds("status in (unsubscribed, blocklisted)", status="blocklisted")


@pytest.mark.parametrize(
    ("text", "created_at", "expected"),
    [
        ("created = 2026-01-05", datetime(2026, 1, 5), True),
        ("created = 2026-01-05", datetime(2026, 1, 5, 23, 59, 59, 999999), True),
        ("created = 2026-01-05", datetime(2026, 1, 6), False),
        ("created < 2026-01-05", datetime(2026, 1, 4, 23, 59, 59), True),
        ("created < 2026-01-05", datetime(2026, 1, 5), False),
        ("created <= 2026-01-05", datetime(2026, 1, 5, 23, 59), True),
        ("created <= 2026-01-05", datetime(2026, 1, 6), False),
        ("created > 2026-01-05", datetime(2026, 1, 5, 23, 59), False),
        ("created > 2026-01-05", datetime(2026, 1, 6), True),
        ("created >= 2026-01-05", datetime(2026, 1, 5), True),
        ("created >= 2026-01-05", datetime(2026, 1, 4, 23, 59), False),
        ("created != 2026-01-05", datetime(2026, 1, 6), True),
        ("created = 2026-01-05T10:00", datetime(2026, 1, 5, 10), True),
        ("created <= 2026-01-05T10:00", datetime(2026, 1, 5, 10), True),
        ("created > 2026-01-05T10:00", datetime(2026, 1, 5, 10), False),
        ("created > 2026-01-05T10:00", datetime(2026, 1, 5, 10, 0, 0, 1), True),
        ("created in (2026-01-04, 2026-01-05)", datetime(2026, 1, 5, 8), True),
    ],
)
def test_created_compares_utc_days(text: str, created_at: datetime, expected: bool) -> None:
    assert holds(text, created_at=created_at) is expected


def test_attributes_compare_as_text_and_a_missing_one_is_never_equal() -> None:
    assert holds("attr.org = Centre")
    assert not holds("attr.org = centre")
    assert holds('attr."org type" = ngo', attributes={"org type": "ngo"})
    assert not holds("attr.city = Baku")
    assert holds("attr.city != Baku")
    assert holds("attr.city not in (Baku, Tbilisi)")
    assert not holds('attr.city = ""')


def test_segments_too_deep_or_too_long_are_refused_before_they_reach_sql() -> None:
    deep = "not " * 21 + "country = GE"
    with pytest.raises(SegmentSyntaxError, match="nested more than 20 levels deep") as found:
        parse_segment(deep)
    assert found.value.column == 81  # the 21st level
    assert isinstance(parse_segment("not " * 19 + "country = GE"), Not)
    with pytest.raises(SegmentSyntaxError, match="longer than 2000 characters"):
        parse_segment(" or ".join(["country = GE"] * 200))
    # parentheses alone nest nothing
    assert parse_segment("(" * 40 + "country = GE" + ")" * 40) == parse_segment("country = GE")
