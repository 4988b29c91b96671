"""The segment language: how comms staff say who an issue goes to, without ever writing SQL.

``segment_parser.parse_segment`` turns text into this small immutable AST, its values already
normalised (``Georgia`` is stored as ``GE``), so the Python evaluator ``matches`` and the SQL
compiler in ``mailer.db.segments`` see the same thing and can be checked against each other.
Every predicate is two-valued: a missing country, language or attribute makes ``=``/``in``
false and ``!=``/``not in`` true, so ``not`` means what a reader expects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal, TypeAlias

FieldName: TypeAlias = Literal["country", "language", "interest", "list", "status", "created"]
FIELD_NAMES: Final[dict[str, FieldName | Literal["attr"]]] = {
    name: name for name in ("country", "language", "interest", "list", "status", "created", "attr")
}
FIELD_LIST: Final = "country, language, interest, list, status, created, attr.<name>"
Op: TypeAlias = Literal["=", "!=", "<", "<=", ">", ">="]
ORDERING: Final = frozenset({"<", "<=", ">", ">="})
KEYWORDS: Final = frozenset({"and", "or", "not", "in"})
_BARE = re.compile(r"[\w.@:+/-]+")


@dataclass(frozen=True)
class Attr:
    """A subscriber attribute, compared as exact text."""

    name: str


Field: TypeAlias = FieldName | Attr
# ``created`` takes a ``date`` (a whole UTC day) or a naive UTC ``datetime`` (an instant);
# every other field takes text.
Value: TypeAlias = str | date


# The constructors refuse what the parser could never produce, so a hand-built or generated
# AST renders to text that parses back to it.


@dataclass(frozen=True)
class Compare:
    field: Field
    op: Op
    value: Value

    def __post_init__(self) -> None:
        _check(self.field, (self.value,), self.op in ORDERING)


@dataclass(frozen=True)
class In:
    field: Field
    values: tuple[Value, ...]
    negated: bool = False

    def __post_init__(self) -> None:
        _check(self.field, self.values, ordering=False)


@dataclass(frozen=True)
class Not:
    operand: Segment


@dataclass(frozen=True)
class Saved:
    """A reference to a segment staff saved by name (``@georgia-fathers``); ``resolve`` puts
    the saved segment in its place before anything is counted or sent."""

    name: str

    def __post_init__(self) -> None:
        if not SAVED_NAME.fullmatch(self.name):
            raise ValueError(f"not a saved segment name: {self.name!r}")


@dataclass(frozen=True)
class _Connective:
    operands: tuple[Segment, ...]

    def __post_init__(self) -> None:
        if len(self.operands) < 2:
            raise ValueError(f"{type(self).__name__} needs two operands or more")


class And(_Connective):
    """All operands hold (binds tighter than ``or``)."""


class Or(_Connective):
    """At least one operand holds."""


Segment: TypeAlias = Compare | In | Not | And | Or | Saved
SAVED_NAME: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def saved_names(segment: Segment) -> set[str]:
    """The names of the saved segments ``segment`` refers to."""
    match segment:
        case Or(operands) | And(operands):
            return set().union(*(saved_names(s) for s in operands))
        case Not(operand):
            return saved_names(operand)
        case Saved(name):
            return {name}
    return set()


def with_value_renamed(segment: Segment, field: FieldName, old: str, new: str) -> Segment:
    """``segment`` with each value ``old`` of ``field`` written as ``new`` (an interest renamed
    or merged into another); equal to ``segment`` when it names no ``old``."""
    match segment:
        case Or(operands):
            return Or(tuple(with_value_renamed(s, field, old, new) for s in operands))
        case And(operands):
            return And(tuple(with_value_renamed(s, field, old, new) for s in operands))
        case Not(operand):
            return Not(with_value_renamed(operand, field, old, new))
        case Compare(named, op, value) if named == field and value == old:
            return Compare(named, op, new)
        case In(named, values, negated) if named == field and old in values:
            kept = dict.fromkeys(new if value == old else value for value in values)
            return In(named, tuple(kept), negated)
    return segment


def resolve(segment: Segment, saved: Mapping[str, Segment]) -> Segment:
    """``segment`` with every ``@name`` replaced by ``saved[name]`` (which refer to none).
    ``KeyError`` names a reference ``saved`` lacks."""
    match segment:
        case Or(operands):
            return Or(tuple(resolve(s, saved) for s in operands))
        case And(operands):
            return And(tuple(resolve(s, saved) for s in operands))
        case Not(operand):
            return Not(resolve(operand, saved))
        case Saved(name):
            return saved[name]
    return segment


def _check(field: Field, values: tuple[Value, ...], ordering: bool) -> None:
    want = date if field == "created" else str
    if not values or not all(isinstance(v, want) for v in values):
        raise ValueError(f"{field} takes one or more {want.__name__} values")
    if ordering and field != "created":
        raise ValueError("<, <=, > and >= apply only to created")


@dataclass(frozen=True)
class SubscriberFacts:
    """What a segment can see of one subscriber; ``lists`` holds only active subscriptions."""

    country: str | None
    language: str | None
    interests: frozenset[str]
    lists: frozenset[str]
    status: str
    created_at: datetime  # naive UTC
    attributes: Mapping[str, str]


def created_range(value: date) -> tuple[datetime, datetime]:
    """The half-open span ``[start, end)`` a ``created`` value stands for.

    A date is its whole UTC day; a datetime is one microsecond wide (the resolution of both
    databases), which makes ``<=`` and ``>`` on an instant come out right with the same rules.
    """
    if isinstance(value, datetime):
        return value, value + timedelta(microseconds=1)
    start = datetime(value.year, value.month, value.day)
    return start, start + timedelta(days=1)


def language_matches(language: str | None, wanted: str) -> bool:
    """RFC 4647 basic filtering: ``sr`` matches ``sr``, ``sr-Latn`` and ``sr-Latn-RS``."""
    return language is not None and (language == wanted or language.startswith(wanted + "-"))


def _equals(field: Field, value: Value, facts: SubscriberFacts) -> bool:
    if isinstance(field, Attr):
        return facts.attributes.get(field.name) == value
    if field == "created":
        assert isinstance(value, date)
        start, end = created_range(value)
        return start <= facts.created_at < end
    if field == "language":
        return language_matches(facts.language, str(value))
    if field == "interest":
        return value in facts.interests
    if field == "list":
        return value in facts.lists
    return (facts.country if field == "country" else facts.status) == value


def _ordered(op: Op, value: date, created_at: datetime) -> bool:
    start, end = created_range(value)
    if op == "<":
        return created_at < start
    if op == "<=":
        return created_at < end
    if op == ">":
        return created_at >= end
    return created_at >= start


def matches(segment: Segment, facts: SubscriberFacts) -> bool:
    """Whether one subscriber is in the segment; the reference the SQL compiler must agree with."""
    match segment:
        case Or(operands):
            return any(matches(s, facts) for s in operands)
        case And(operands):
            return all(matches(s, facts) for s in operands)
        case Not(operand):
            return not matches(operand, facts)
        case In(field, values, negated):
            return negated != any(_equals(field, v, facts) for v in values)
        case Compare(field, "=" | "!=" as op, value):
            return (op == "!=") != _equals(field, value, facts)
        case Compare(_, op, value):
            assert isinstance(value, date)
            return _ordered(op, value, facts.created_at)
        case Saved(name):
            raise TypeError(f"@{name} is not resolved: call resolve first")
    raise TypeError(f"not a segment: {segment!r}")


# -- canonical text -------------------------------------------------------------------------


def _text(value: Value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if _BARE.fullmatch(value) and value.casefold() not in KEYWORDS:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def field_text(field: Field) -> str:
    return f"attr.{_text(field.name)}" if isinstance(field, Attr) else field


def render_segment(segment: Segment) -> str:
    """Canonical text: lower-case keywords, normalised values, parentheses only where needed."""

    def wrapped(child: Segment, *kinds: type) -> str:
        text = render_segment(child)
        return f"({text})" if isinstance(child, kinds) else text

    match segment:
        case Or(operands):
            return " or ".join(wrapped(s, Or) for s in operands)
        case And(operands):
            return " and ".join(wrapped(s, And, Or) for s in operands)
        case Not(operand):
            return "not " + wrapped(operand, And, Or)
        case In(field, values, negated):
            listed = ", ".join(_text(v) for v in values)
            return f"{field_text(field)} {'not in' if negated else 'in'} ({listed})"
        case Compare(field, op, value):
            return f"{field_text(field)} {op} {_text(value)}"
        case Saved(name):
            return f"@{name}"
    raise TypeError(f"not a segment: {segment!r}")
