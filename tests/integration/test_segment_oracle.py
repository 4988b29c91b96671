"""The SQL a segment compiles to selects exactly the subscribers the Python evaluator accepts.

A fixed, seeded population covers what makes SQL and Python disagree: NULL countries and
languages, language subtags, missing and non-ASCII attribute names, unsubscribed list members,
every status, and creation times on the edges of UTC days.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
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
)
from mailer.core.subscribers import STATUSES
from mailer.db import Database
from mailer.db.schema import interest, mailing_list, subscriber, subscriber_interest, subscription
from mailer.db.segments import count_subscribers, select_subscriber_ids
from mailer.errors import InvalidValue, NotFound
from tests.conftest import examples

COUNTRIES = [None, "GE", "AZ", "BY", "KG", "MK", "RS", "TM", "XK"]
LANGUAGES = [None, "en", "ru", "sr", "sr-Latn", "sr-Latn-RS", "sr-Cyrl", "srn", "ka", "en-GB"]
INTERESTS = ["fatherhood", "violence prevention", "research", "youth", "café culture"]
LISTS = ["members", "partners", "press"]
ATTRIBUTES = {
    "org": ["Centre", "NGO", "ngo", "Ministry"],
    "org type": ["ngo", "state", ""],
    "город": ["Тбилиси", "Баку"],
    'say "hi"': ["yes"],
}
START = datetime(2026, 1, 3)
EDGES = [datetime(2026, 1, 5), datetime(2026, 1, 4, 23, 59, 59, 999999), datetime(2026, 1, 6)]


@dataclass(frozen=True)
class Person:
    email: str
    facts: SubscriberFacts
    subscriptions: dict[str, str]  # list name -> subscription status


def population(seed: int = 20260105, size: int = 80) -> list[Person]:
    rng = random.Random(seed)
    people = []
    for number in range(size):
        minutes, micro = rng.randrange(4 * 24 * 60), rng.choice([0, 0, 1, 999999])
        created = START + timedelta(minutes=minutes, microseconds=micro)
        if number < len(EDGES):
            created = EDGES[number]
        subscriptions = {
            name: state
            for name in LISTS
            if (state := rng.choice([None, "active", "active", "unsubscribed", "unconfirmed"]))
        }
        attributes = {
            name: value
            for name, values in ATTRIBUTES.items()
            if rng.random() < 0.6 and (value := rng.choice(values))
        }
        facts = SubscriberFacts(
            country=rng.choice(COUNTRIES),
            language=rng.choice(LANGUAGES),
            interests=frozenset(rng.sample(INTERESTS, rng.randrange(len(INTERESTS) + 1))),
            lists=frozenset(name for name, state in subscriptions.items() if state == "active"),
            status=STATUSES[number % len(STATUSES)],
            created_at=created,
            attributes=attributes,
        )
        people.append(Person(f"person{number}@example.org", facts, subscriptions))
    return people


def store(conn: sa.Connection, people: list[Person]) -> dict[int, Person]:
    """Plain Core inserts, as a migration or an import would leave the tables."""
    interest_ids = {
        name: conn.execute(
            sa.insert(interest).values(name=name).returning(interest.c.id)
        ).scalar_one()
        for name in INTERESTS
    }
    list_ids = {
        name: conn.execute(
            sa.insert(mailing_list).values(name=name, created_at=START).returning(mailing_list.c.id)
        ).scalar_one()
        for name in LISTS
    }
    stored: dict[int, Person] = {}
    for person in people:
        facts = person.facts
        row: dict[str, Any] = {
            "email": person.email,
            "email_key": person.email.lower(),
            "country": facts.country,
            "language": facts.language,
            "status": facts.status,
            "attributes": dict(facts.attributes),
            "created_at": facts.created_at,
            "updated_at": facts.created_at,
        }
        subscriber_id = conn.execute(
            sa.insert(subscriber).values(row).returning(subscriber.c.id)
        ).scalar_one()
        stored[subscriber_id] = person
        for name in facts.interests:
            link = {"subscriber_id": subscriber_id, "interest_id": interest_ids[name]}
            conn.execute(sa.insert(subscriber_interest).values(link))
        for name, state in person.subscriptions.items():
            conn.execute(
                sa.insert(subscription).values(
                    subscriber_id=subscriber_id,
                    list_id=list_ids[name],
                    status=state,
                    opted_in_at=facts.created_at if state == "active" else None,
                    created_at=facts.created_at,
                    updated_at=facts.created_at,
                )
            )
    return stored


@pytest.fixture
def people(db: Database) -> Iterator[tuple[sa.Connection, dict[int, Person]]]:
    with db.write() as conn:
        stored = store(conn, POPULATION)
    with db.read() as conn:
        yield conn, stored


POPULATION = population()


# -- generated segments, from values that overlap the population (and some that do not) ----------

_DAYS = [date(2026, 1, 2) + timedelta(days=n) for n in range(6)]
_INSTANTS = [*EDGES, *(p.facts.created_at for p in POPULATION[3:10])]
_POOLS: dict[Any, list[Any]] = {
    "country": [c for c in COUNTRIES if c] + ["US"],
    "language": [lang for lang in LANGUAGES if lang] + ["de", "sr-Latn-ME"],
    "interest": [*INTERESTS, "knitting"],
    "list": [*LISTS, "nobody", "Members"],
    "status": list(STATUSES),
    "created": [*_DAYS, *_INSTANTS],
}
_FIELDS = st.sampled_from([*_POOLS, *(Attr(name) for name in ATTRIBUTES), Attr("missing")])


@st.composite
def leaves(draw: st.DrawFn) -> Segment:
    field = draw(_FIELDS)
    if isinstance(field, Attr):
        pool = [v for values in ATTRIBUTES.values() for v in values] + ["absent"]
    else:
        pool = _POOLS[field]
    values = st.sampled_from(pool)
    if draw(st.integers(0, 2)) == 0:
        chosen = tuple(draw(st.lists(values, min_size=1, max_size=3)))
        return In(field, chosen, negated=draw(st.booleans()))
    ops = ["=", "!=", "<", "<=", ">", ">="] if field == "created" else ["=", "!="]
    return Compare(field, draw(st.sampled_from(ops)), draw(values))


def trees(depth: int) -> st.SearchStrategy[Segment]:
    if depth <= 1:
        return leaves()
    below = trees(depth - 1)
    several = st.lists(below, min_size=2, max_size=3).map(tuple)
    return st.one_of(leaves(), below.map(Not), several.map(And), several.map(Or))


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(segment=trees(depth=4))
def test_sql_selects_exactly_whom_the_evaluator_accepts(
    people: tuple[sa.Connection, dict[int, Person]], segment: Segment
) -> None:
    conn, stored = people
    expected = {i for i, person in stored.items() if matches(segment, person.facts)}
    assert set(select_subscriber_ids(conn, segment=segment, status=None)) == expected


# -- what a user sees through count_subscribers ---------------------------------------------------


def ids_where(stored: dict[int, Person], test: Any) -> set[int]:
    return {i for i, person in stored.items() if test(person)}


def test_counts_by_status_list_and_segment(people: tuple[sa.Connection, dict[int, Person]]) -> None:
    conn, stored = people
    active = ids_where(stored, lambda p: p.facts.status == "active")
    assert count_subscribers(conn) == len(active) > 0
    assert count_subscribers(conn, status=None) == len(stored)
    on_members = ids_where(stored, lambda p: p.subscriptions.get("members") == "active")
    assert 0 < count_subscribers(conn, list_name="members") == len(active & on_members)
    assert count_subscribers(conn, list_name="members", status=None) == len(on_members)
    assert count_subscribers(conn, status="unsubscribed") == len(
        ids_where(stored, lambda p: p.facts.status == "unsubscribed")
    )
    serbian = ids_where(stored, lambda p: (p.facts.language or "").split("-")[0] == "sr")
    segment = parse_segment("language = sr")
    assert count_subscribers(conn, segment=segment, status=None) == len(serbian)
    assert count_subscribers(conn, segment=segment, list_name="members", status=None) == len(
        serbian & on_members
    )


def test_language_subtags_match_but_longer_codes_do_not(
    people: tuple[sa.Connection, dict[int, Person]],
) -> None:
    conn, stored = people
    chosen = select_subscriber_ids(conn, segment=parse_segment("language = sr"), status=None)
    languages = {stored[i].facts.language for i in chosen}
    assert languages == {"sr", "sr-Latn", "sr-Latn-RS", "sr-Cyrl"}


def test_non_ascii_and_quoted_attribute_names_are_found(
    people: tuple[sa.Connection, dict[int, Person]],
) -> None:
    conn, stored = people
    for text, name, value in [
        ("attr.город = Тбилиси", "город", "Тбилиси"),
        (r'attr."say \"hi\"" = yes', 'say "hi"', "yes"),
        ('attr."org type" = ngo', "org type", "ngo"),
    ]:
        wanted = ids_where(stored, lambda p, n=name, v=value: p.facts.attributes.get(n) == v)
        assert wanted, text
        got = select_subscriber_ids(conn, segment=parse_segment(text), status=None)
        assert set(got) == wanted, text


def test_people_created_on_the_edge_of_a_day_fall_on_the_right_side(
    people: tuple[sa.Connection, dict[int, Person]],
) -> None:
    conn, stored = people
    on_the_5th = set(
        select_subscriber_ids(conn, segment=parse_segment("created = 2026-01-05"), status=None)
    )
    edge_ids = {person.facts.created_at: i for i, person in stored.items()}
    assert edge_ids[datetime(2026, 1, 5)] in on_the_5th
    assert edge_ids[datetime(2026, 1, 4, 23, 59, 59, 999999)] not in on_the_5th
    assert edge_ids[datetime(2026, 1, 6)] not in on_the_5th


def test_an_unknown_list_or_status_is_an_error_not_zero(
    people: tuple[sa.Connection, dict[int, Person]],
) -> None:
    conn, _ = people
    with pytest.raises(NotFound) as missing:
        count_subscribers(conn, list_name="nobody")
    assert (missing.value.kind, missing.value.key) == ("list", "nobody")
    with pytest.raises(InvalidValue, match="actve"):
        count_subscribers(conn, status="actve")
