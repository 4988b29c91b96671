"""Segments as SQL: a WHERE clause over ``subscriber`` that selects exactly what ``matches`` does.

Every leaf is compiled two-valued (``col IS NOT NULL AND col = v``), so ``NOT`` under SQL's
three-valued logic agrees with the Python evaluator; the oracle test holds the two together on
SQLite and PostgreSQL. Nothing here uses ``LIKE`` or collations, whose rules differ between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from mailer.core.segments import (
    And,
    Attr,
    Compare,
    Field,
    In,
    Not,
    Or,
    Segment,
    Value,
    created_range,
)
from mailer.core.subscribers import STATUSES
from mailer.db.lists import get_list_id
from mailer.db.saved_segments import resolved
from mailer.db.schema import (
    interest,
    mailing_list,
    subscriber,
    subscriber_interest,
    subscription,
)
from mailer.errors import InvalidValue


class _AttributeText(FunctionElement[str]):
    """The text of one subscriber attribute, or NULL when it is missing.

    Not ``attributes[name]``: on SQLite that becomes ``json_extract(attributes, '$."name"')``,
    and SQLite (3.40 at least) matches the path against the key as escaped in the stored JSON,
    so a non-ASCII name (stored as ``\\u...`` by the default serialiser) or one holding a ``"``
    is never found. ``json_each`` decodes keys; PostgreSQL's ``->>`` takes the key as text.
    """

    name = "attribute_text"
    type = sa.String()
    inherit_cache = True


@compiles(_AttributeText)
def _attribute_text_default(element: _AttributeText, compiler: SQLCompiler, **kw: Any) -> str:
    column, key = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({column} ->> {key})"


@compiles(_AttributeText, "sqlite")
def _attribute_text_sqlite(element: _AttributeText, compiler: SQLCompiler, **kw: Any) -> str:
    column, key = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(SELECT value FROM json_each({column}) WHERE key = {key})"


def _attribute(name: str) -> sa.ColumnElement[str]:
    return _AttributeText(subscriber.c.attributes, sa.literal(name, sa.String()))


def _one_of(column: sa.ColumnElement[Any], values: Sequence[Value]) -> sa.ColumnElement[bool]:
    if len(values) == 1:
        return column == values[0]
    return column.in_(values)


def _created(op: str, value: Value) -> sa.ColumnElement[bool]:
    assert not isinstance(value, str)
    start, end = created_range(value)
    column = subscriber.c.created_at
    if op == "=":
        return sa.and_(column >= start, column < end)
    if op == "<":
        return column < start
    if op == "<=":
        return column < end
    if op == ">":
        return column >= end
    return column >= start


def _language(wanted: str) -> sa.ColumnElement[bool]:
    # RFC 4647 basic filtering as a prefix test both databases do alike (LIKE does not).
    column = subscriber.c.language
    prefix = sa.func.substr(column, 1, len(wanted) + 1) == wanted + "-"
    return sa.or_(column == wanted, prefix)


def _member(field: Field, values: Sequence[Value]) -> sa.ColumnElement[bool]:
    """True when the field equals one of ``values``; never NULL."""
    if isinstance(field, Attr):
        text = _attribute(field.name)
        return sa.and_(text.is_not(None), _one_of(text, values))
    if field == "country":
        column = subscriber.c.country
        return sa.and_(column.is_not(None), _one_of(column, values))
    if field == "status":
        return _one_of(subscriber.c.status, values)
    if field == "language":
        tests = [_language(str(value)) for value in values]
        return sa.and_(subscriber.c.language.is_not(None), sa.or_(*tests))
    if field == "created":
        return sa.or_(*(_created("=", value) for value in values))
    if field == "interest":
        return sa.exists().where(
            subscriber_interest.c.subscriber_id == subscriber.c.id,
            subscriber_interest.c.interest_id == interest.c.id,
            _one_of(interest.c.name, values),
        )
    return sa.exists().where(
        subscription.c.subscriber_id == subscriber.c.id,
        subscription.c.list_id == mailing_list.c.id,
        subscription.c.status == "active",
        _one_of(mailing_list.c.name, values),
    )


def _needs_subquery(segment: Segment) -> bool:
    match segment:
        case Or(operands) | And(operands):
            return any(_needs_subquery(s) for s in operands)
        case Not(operand):
            return _needs_subquery(operand)
        case In(field, _, _) | Compare(field, _, _):
            return field in ("interest", "list")
    raise TypeError(f"not a segment: {segment!r}")


def segment_clause(segment: Segment) -> sa.ColumnElement[bool]:
    """A two-valued WHERE clause over ``subscriber`` (correlated EXISTS for interests, lists)."""
    match segment:
        case Or(operands):
            return sa.or_(*(segment_clause(s) for s in operands))
        case And(operands):
            # Column tests first, subqueries last: SQLite evaluates terms in the order given,
            # so a subquery runs only for the rows the cheap tests kept.
            ordered = sorted(operands, key=_needs_subquery)
            return sa.and_(*(segment_clause(s) for s in ordered))
        case Not(operand):
            return sa.not_(segment_clause(operand))
        case In(field, values, negated):
            clause = _member(field, values)
            return sa.not_(clause) if negated else clause
        case Compare(field, "=", value):
            return _member(field, (value,))
        case Compare(field, "!=", value):
            return sa.not_(_member(field, (value,)))
        case Compare(_, op, value):
            return _created(op, value)
    raise TypeError(f"not a segment: {segment!r}")


def audience_clause(
    conn: sa.Connection,
    *,
    segment: Segment | None = None,
    list_name: str | None = None,
    status: str | None = "active",
    lists: Sequence[str] = (),
) -> sa.ColumnElement[bool]:
    """Who a command or a campaign addresses: status, active list membership and a segment.

    ``list_name`` and ``lists`` together: an active subscription to any of them. Reads
    ``list`` to resolve the names (``NotFound`` if unknown); ``status=None`` means any.
    """
    parts: list[sa.ColumnElement[bool]] = []
    if segment is not None:
        segment = resolved(conn, segment)  # @name: the saved segment, here for every caller
    if status is not None:
        if status not in STATUSES:
            raise InvalidValue("status", f"{status!r} is not one of {', '.join(STATUSES)}")
        parts.append(subscriber.c.status == status)
    if segment is not None:
        parts.append(segment_clause(segment))
    names = [*lists, *([list_name] if list_name is not None else [])]
    if names:  # last: a subquery for nearly every row (see segment_clause)
        list_ids = [get_list_id(conn, name) for name in names]
        on_list = sa.exists().where(
            subscription.c.subscriber_id == subscriber.c.id,
            subscription.c.list_id.in_(list_ids),
            subscription.c.status == "active",
        )
        parts.append(on_list)
    return sa.and_(sa.true(), *parts)


def count_subscribers(
    conn: sa.Connection,
    *,
    segment: Segment | None = None,
    list_name: str | None = None,
    status: str | None = "active",
) -> int:
    """How many subscribers match; ``status=None`` means any, an unknown one is ``InvalidValue``.

    Reads ``list`` (the name, ``NotFound`` if unknown), ``subscriber`` and, for the list and the
    segment, ``subscription``, ``subscriber_interest`` and ``interest``. Locks nothing; never
    commits.
    """
    where = audience_clause(conn, segment=segment, list_name=list_name, status=status)
    query = sa.select(sa.func.count()).select_from(subscriber).where(where)
    return int(conn.execute(query).scalar_one())


def select_subscriber_ids(
    conn: sa.Connection,
    *,
    segment: Segment | None = None,
    list_name: str | None = None,
    status: str | None = "active",
) -> list[int]:
    """Matching ids, ascending; reads and locks what ``count_subscribers`` does (nothing)."""
    where = audience_clause(conn, segment=segment, list_name=list_name, status=status)
    query = sa.select(subscriber.c.id).where(where).order_by(subscriber.c.id)
    return [int(row_id) for row_id in conn.execute(query).scalars()]


def count_where(conn: sa.Connection, where: sa.ColumnElement[bool]) -> int:
    """How many subscribers match ``where`` (an ``audience_clause``); reads what it names,
    locks nothing."""
    return int(
        conn.execute(sa.select(sa.func.count()).select_from(subscriber).where(where)).scalar_one()
    )
