"""Parsing the segment language: text to the AST of ``mailer.core.segments``.

Lark's LALR parser is fed token by token so an error can say what came before the mistake
and what could have followed it; lark's exceptions never escape as themselves.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Final, Literal

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_interactive_parser import InteractiveParser

from mailer.core.segments import (
    FIELD_LIST,
    FIELD_NAMES,
    KEYWORDS,
    ORDERING,
    And,
    Attr,
    Compare,
    Field,
    FieldName,
    In,
    Not,
    Op,
    Or,
    Saved,
    Segment,
    Value,
    created_range,
    field_text,
)
from mailer.core.subscribers import (
    STATUSES,
    normalise_country,
    normalise_interest,
    normalise_language,
)
from mailer.errors import InvalidValue, SegmentSyntaxError


@cache
def _parser() -> Lark:
    grammar = resources.files("mailer.core").joinpath("segments.lark").read_text("utf-8")
    return Lark(grammar, parser="lalr")


MAX_LENGTH: Final = 2000
MAX_DEPTH: Final = 20  # nested and/or/not/parentheses: databases' SQL parsers overflow past ~45
MAX_CONDITIONS: Final = 200


def parse_segment(text: str) -> Segment:
    """The AST of ``text``; any mistake raises ``SegmentSyntaxError`` with its 1-based column.

    The column counts characters from the start of the text. Lark's exceptions never escape.
    A segment longer than ``MAX_LENGTH`` characters, nested deeper than ``MAX_DEPTH`` or with
    more than ``MAX_CONDITIONS`` conditions is refused: the SQL it becomes would overflow the
    database's parser (or Python's recursion) long before it meant anything to a reader.
    """
    if not text.strip():
        raise SegmentSyntaxError(
            text, 1, "the segment is empty; write a condition such as country = GE"
        )
    if len(text) > MAX_LENGTH:
        raise SegmentSyntaxError(
            text[:60],
            1,
            f"the segment is longer than {MAX_LENGTH} characters; use a list or fewer conditions",
        )
    tree = _tree(text)
    _check_size(tree, text)
    return _build(tree, text)


def _check_size(tree: Tree[Token], text: str) -> None:
    """Refuses trees too deep or too wide, walking them without recursion."""
    conditions = 0
    stack: list[tuple[Tree[Token], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if node.data in {"or_expr", "and_expr", "negation"}:
            depth += 1
            if depth > MAX_DEPTH:
                first = next(node.scan_values(lambda v: isinstance(v, Token)), None)
                column = _column(first) if isinstance(first, Token) else 1
                raise SegmentSyntaxError(
                    text, column, f"nested more than {MAX_DEPTH} levels deep; write it flatter"
                )
            stack.extend((child, depth) for child in node.children if isinstance(child, Tree))
        else:
            conditions += 1
            if conditions > MAX_CONDITIONS:
                raise SegmentSyntaxError(
                    text,
                    1,
                    f"more than {MAX_CONDITIONS} conditions; use a list or an interest instead",
                )


def _tree(text: str) -> Tree[Token]:
    # Fed token by token so that an error message can say what came before the mistake and
    # what could have followed it.
    interactive = _parser().parse_interactive(text)
    seen: list[Token] = []
    try:
        for token in interactive.iter_parse():
            if token.type == "NAME" and token.lower() in KEYWORDS:
                raise _syntax_error(text, interactive, seen, token)
            if token.type == "NAME":
                _field_name(token, text)  # an unknown field is the clearest message, say it first
            seen.append(token)
        tree = interactive.feed_token(Token("$END", ""))
    except UnexpectedToken as exc:
        raise _syntax_error(text, interactive, seen, exc.token) from None
    except UnexpectedInput as exc:
        position = exc.pos_in_stream or 0
        if text[position : position + 1] in ("'", '"'):
            message = f"this quoted value has no closing {text[position]}"
            raise SegmentSyntaxError(text, position + 1, message) from None
        found = Token("CHAR", text[position : position + 1], start_pos=position)
        raise _syntax_error(text, interactive, seen, found) from None
    assert isinstance(tree, Tree)
    return tree


def _column(token: Token) -> int:
    return (token.start_pos or 0) + 1


def _field_name(token: Token, text: str) -> FieldName | Literal["attr"]:
    known = FIELD_NAMES.get(token.lower())
    if known is not None:
        return known
    close = difflib.get_close_matches(token.lower(), list(FIELD_NAMES), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    message = f"unknown field '{token}'{hint}; fields are {FIELD_LIST}"
    raise SegmentSyntaxError(text, _column(token), message)


def _build(node: Tree[Token] | Token, text: str) -> Segment:
    assert isinstance(node, Tree)
    parts = [c for c in node.children if not (isinstance(c, Token) and c.type in _CONNECTIVES)]
    if node.data == "or_expr":
        return Or(tuple(_build(part, text) for part in parts))
    if node.data == "and_expr":
        return And(tuple(_build(part, text) for part in parts))
    if node.data == "negation":
        return Not(_build(parts[0], text))
    if node.data == "saved":
        token = node.children[0]
        assert isinstance(token, Token)
        if len(token) > 64:
            message = "a saved segment's name is at most 63 characters"
            raise SegmentSyntaxError(text, _column(token), message)
        return Saved(str(token)[1:])
    head, *rest = node.children
    assert isinstance(head, Tree)
    field = _field(head, text)
    tokens = [c for c in rest if isinstance(c, Token)]
    if node.data == "compare":
        op, value = tokens
        if op in ORDERING and field != "created":
            name = field_text(field)
            message = f"'{op}' compares dates and works only with created; use = or != with {name}"
            raise SegmentSyntaxError(text, _column(op), message)
        return Compare(field, _OPS[str(op)], _value(field, value, text))
    values = tuple(_value(field, t, text) for t in tokens if t.type in {"WORD", "STRING"})
    return In(field, values, negated=any(t.type == "NOT" for t in tokens))


_CONNECTIVES: Final = frozenset({"AND", "OR", "NOT"})
_OPS: Final[dict[str, Op]] = {op: op for op in ("=", "!=", "<", "<=", ">", ">=")}


def _field(node: Tree[Token], text: str) -> Field:
    name_token, *attr = (c for c in node.children if isinstance(c, Token))
    name = _field_name(name_token, text)
    if attr and name != "attr":
        message = f"only attr takes a name after '.'; fields are {FIELD_LIST}"
        raise SegmentSyntaxError(text, _column(name_token), message)
    if attr:
        key = _unquote(attr[0])
        if not key.strip():
            raise SegmentSyntaxError(text, _column(attr[0]), "expected an attribute name")
        return Attr(key)
    if name == "attr":
        message = 'attr needs a name after it, such as attr.org or attr."org type"'
        raise SegmentSyntaxError(text, _column(name_token), message)
    return name


def _unquote(token: Token) -> str:
    if token.type != "STRING":
        return str(token)
    return re.sub(r"\\(.)", r"\1", token[1:-1], flags=re.DOTALL)


def _status(raw: str) -> str:
    if raw.lower() not in STATUSES:
        raise InvalidValue("status", "")
    return raw.lower()


def _date_or_datetime(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return datetime.fromisoformat(raw)


def _instant(raw: str) -> date:
    try:
        value = _date_or_datetime(raw)
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        created_range(value)  # the far end of 9999-12-31 does not exist
    except (ValueError, OverflowError):
        raise InvalidValue("created", "") from None
    return value


_VALUES: Final[dict[str, tuple[Callable[[str], Value], str]]] = {
    "country": (
        normalise_country,
        "unknown country {raw!r}; use an ISO 3166 code (GE) or an English name (Georgia)",
    ),
    "language": (normalise_language, "{raw!r} is not a BCP 47 language tag such as ru or sr-Latn"),
    "interest": (normalise_interest, "interest {raw!r}: {why}"),
    "status": (_status, f"unknown status {{raw!r}}; statuses are {', '.join(STATUSES)}"),
    "created": (_instant, "expected a date such as 2026-01-05 or 2026-01-05T09:30Z, found {raw!r}"),
}


def _value(field: Field, token: Token, text: str) -> Value:
    raw = _unquote(token)
    if isinstance(field, Attr) or field == "list":
        return raw
    normalise, help_text = _VALUES[field]
    try:
        return normalise(raw)
    except InvalidValue as exc:
        message = help_text.format(raw=raw, why=exc.message)
        raise SegmentSyntaxError(text, _column(token), message) from None


# -- syntax errors in plain words -------------------------------------------------------------


def _syntax_error(
    text: str, interactive: InteractiveParser, seen: list[Token], found: Token
) -> SegmentSyntaxError:
    before = [t for t in seen if t is not found]
    expected: set[str] = interactive.accepts()  # type: ignore[no-untyped-call]
    if found.type == "$END":
        position, what = len(text.rstrip()), "the end of the segment"
    else:
        position = found.start_pos or 0
        what = str(found) if found.type == "STRING" else f"'{found}'"
    message = f"{_expected(expected, before)}, found {what}"
    if "AND" in expected and before and before[-1].type in {"WORD", "STRING"}:
        if found.type in {"WORD", "NAME"}:
            message += " (put a value that contains spaces in quotes)"
        elif found.type == "COMMA":
            message += " (for several values write: field in (a, b))"
    return SegmentSyntaxError(text, position + 1, message)


def _expected(expected: set[str], before: list[Token]) -> str:
    previous = before[-1] if before else None
    after = f" after '{previous}'" if previous is not None else ""
    if "WORD" in expected:
        if previous is not None and previous.type == "DOT":
            return "expected an attribute name after 'attr.'"
        return f"expected a value{after}"
    if "NAME" in expected:
        return f"expected a condition such as country = GE{after}"
    if "OP" in expected:
        return f"expected an operator (=, !=, <, <=, >, >=, in, not in){after}"
    if "LPAR" in expected:
        return f"expected '(' and a list of values{after}"
    if "IN" in expected:
        return f"expected 'in'{after}"
    if "COMMA" in expected:
        return "expected ',' or ')' in the list of values"
    if "RPAR" in expected:
        return f"expected ')' to close the '(' at column {_unclosed(before)}, or 'and' or 'or'"
    return "expected 'and', 'or' or the end of the segment"


def _unclosed(tokens: list[Token]) -> int:
    opened: list[int] = []
    for token in tokens:
        if token.type == "LPAR":
            opened.append(_column(token))
        elif token.type == "RPAR" and opened:
            opened.pop()
    return opened[-1] if opened else 1
