"""The sandbox staff-authored templates run in: Jinja2's immutable sandbox, with work caps.

Jinja2's sandbox stops attribute escapes but not work: ``range`` may reach 100,000, loops
nest, a macro may call itself twice per level, ``'x' * 10**9`` builds a gigabyte string and
``10**10**8`` computes for minutes. Here a render has a budget: every ``for`` loop step counts
against ``MAX_LOOP_STEPS`` and every call (macros, methods) against ``MAX_CALLS``, all loops and
calls of one render together (macro bodies included); the rendered text is capped at
``MAX_OUTPUT`` characters; ``*``, ``**`` and calls refuse sizes no newsletter needs; and the
render stops after ``max_seconds`` of wall-clock time (``render.max_seconds``), checked at
every loop step and call (where the time can go). Going over raises ``TooExpensive`` (a
``SecurityError``) naming the template line it stopped at; the renderer adds the file.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from types import FrameType
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_LOOP_STEPS = 1_000_000  # for-loop iterations in one render, all loops together
MAX_CALLS = 100_000  # calls (macros, methods) in one render; a layout makes a few hundred
DEFAULT_MAX_SECONDS = 10.0  # wall-clock time of one render (``render.max_seconds``)
MAX_OUTPUT = 2_000_000  # characters one render may produce (Gmail clips mail at 102 KB)
MAX_NUMBER_ARGUMENT = 100_000  # a width or count passed to a filter or a method
MAX_POWER_BITS = 4096
LOOP_FILTER = "loop_budget"
TEXT_FILTER = "text_cap"
# a printf or str.format field wider than MAX_NUMBER_ARGUMENT allows ("%9999999s", "{:>9999999}")
_WIDE_FIELD = re.compile(r"%[-+ #0]*(?:\*|\d{6,})|\{[^{}]*:[^{}]*?\d{6,}")


class TooExpensive(SecurityError):
    """A template asked for more work than any newsletter needs."""


def _where() -> str:
    """`` (line N of <template>)`` for the innermost template frame running now, else ``""``."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            line = template.get_corresponding_lineno(frame.f_lineno)
            return f" (line {line} of {template.name})" if template.name else f" (line {line})"
        frame = frame.f_back
    return ""


def _expensive(what: str) -> TooExpensive:
    return TooExpensive(f"template too expensive: {what}{_where()}")


@dataclass
class _Budget:
    deadline: float
    max_seconds: float
    clock: Callable[[], float]
    steps: int = 0
    calls: int = 0

    def check_time(self) -> None:
        if self.clock() > self.deadline:
            raise _expensive(f"rendering took over {self.max_seconds:g} s (render.max_seconds)")

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_LOOP_STEPS:
            raise _expensive(f"its loops ran over {MAX_LOOP_STEPS:,} steps")
        self.check_time()

    def call(self, target: Any) -> None:
        self.calls += 1
        if self.calls > MAX_CALLS:
            raise _expensive(f"over {MAX_CALLS:,} calls, the last to {_called(target)}")
        self.check_time()


def _called(target: Any) -> str:
    if isinstance(target, Macro):
        return f"macro {target.name!r}"
    name = getattr(target, "__name__", None) or type(target).__name__
    return repr(name)


_current: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def _loop_budget(iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _current.get()
    for item in iterable:
        if budget is not None:
            budget.step()
        yield item


def _text_cap(value: Any) -> Any:
    if _size(value) > MAX_OUTPUT:
        raise _expensive("builds text beyond the output cap")
    return value


def _capped_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_LOOP_STEPS:
        raise _expensive(f"range of {len(numbers):,} numbers (at most {MAX_LOOP_STEPS:,})")
    return numbers


def _check_arguments(args: Iterable[Any]) -> None:
    for value in args:
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > MAX_NUMBER_ARGUMENT:
                raise _expensive(f"the number {value} is over {MAX_NUMBER_ARGUMENT:,}")
        elif isinstance(value, str) and _WIDE_FIELD.search(value):
            raise _expensive("a format field is too wide")


def _check_growth(name: str, value: Any, args: list[Any]) -> None:
    """Refuses ``replace``, ``join`` and ``indent`` whose result would pass the output cap."""
    text = args[0] if args and isinstance(args[0], str) else ""
    if name == "replace" and isinstance(value, str) and len(args) >= 2:
        old, new = args[0], args[1]
        if isinstance(old, str) and isinstance(new, str):
            grows = value.count(old) * max(0, len(new) - len(old))
            if len(value) + grows > MAX_OUTPUT:
                raise _expensive("replace builds text beyond the cap")
    elif name == "join" and isinstance(value, list | tuple | range | dict | set):
        if len(text) * len(value) > MAX_OUTPUT:
            raise _expensive("join builds text beyond the cap")
    elif name == "indent" and isinstance(value, str):  # noqa: SIM102
        if len(text) * (value.count("\n") + 1) > MAX_OUTPUT:
            raise _expensive("indent builds text beyond the cap")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


class _CapConcat(NodeTransformer):
    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(node, TEXT_FILTER, [], [], None, None, lineno=node.lineno)


class CappedSandbox(ImmutableSandboxedEnvironment):
    """``ImmutableSandboxedEnvironment`` whose renders stop at a work budget (see module doc)."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(
        self,
        *args: Any,
        max_seconds: float = DEFAULT_MAX_SECONDS,
        clock: Callable[[], float] = time.monotonic,  # a render's duration, not a date
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_seconds = max_seconds
        self.clock = clock
        self.globals["range"] = _capped_range
        self.globals.pop("lipsum", None)  # lorem ipsum of any length: nothing a mail needs
        for name in list(self.filters):
            self.filters[name] = _guarded(name, self.filters[name])
        self.filters[LOOP_FILTER] = _loop_budget
        self.filters[TEXT_FILTER] = _text_cap

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every ``for`` loop iterates through ``loop_budget``, which counts its steps, and every
        ``~`` result passes ``text_cap`` (``~`` cannot be intercepted like ``+``)."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
        return _CapConcat().visit(tree)  # type: ignore[no-any-return]

    def concat(self, parts: Iterable[str]) -> str:
        """Joins output under the caps. A render runs inside the outermost call, which holds its
        budget; macro bodies and blocks join inside it and share that budget."""
        outer = _current.get()
        budget = outer or _Budget(self.clock() + self.max_seconds, self.max_seconds, self.clock)
        token = _current.set(budget) if outer is None else None
        try:
            out, size = [], 0
            for part in parts:
                size += len(part)
                if size > MAX_OUTPUT:
                    raise _expensive(f"output over {MAX_OUTPUT:,} characters")
                out.append(part)
            return "".join(out)
        except RecursionError:
            raise _expensive("macros or loops recurse too deep") from None
        finally:
            if token is not None:
                _current.reset(token)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int) and isinstance(right, int):  # noqa: SIM102
            if right > 0 and abs(left) > 1 and left.bit_length() * right > MAX_POWER_BITS:
                raise _expensive(f"{left} ** {right}")
        if operator == "*":
            count = right if isinstance(right, int) else left if isinstance(left, int) else 1
            if max(_size(left), _size(right)) * abs(count) > MAX_OUTPUT:
                raise _expensive("repeats text beyond the output cap")
        result = super().call_binop(context, operator, left, right)
        if _size(result) > MAX_OUTPUT:
            raise _expensive("builds text beyond the output cap")
        return result

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = _current.get()
        if budget is not None:
            budget.call(__obj)
        if __obj is not _capped_range:
            rest = [*args, *kwargs.values()]
            _check_arguments(rest)
            # a str method ('{:>9999999}'.format, replace, join): its string is the "value"
            method = getattr(__obj, "__wrapped__", __obj)
            owner = getattr(method, "__self__", None)
            if isinstance(owner, str):
                _check_arguments([owner])
                name = getattr(method, "__name__", "")
                if name == "join" and args:  # sep.join(items): the items are the "value"
                    _check_growth(name, args[0], [owner])
                else:
                    _check_growth(name, owner, rest)
        result = super().call(__context, __obj, *args, **kwargs)
        if _size(result) > MAX_OUTPUT:
            raise _expensive("builds text beyond the output cap")
        return result


def _guarded(name: str, function: Any) -> Any:
    """A filter that refuses huge widths, counts and repeats (``center(10**9)``) before it runs."""
    skip = 2 if hasattr(function, "jinja_pass_arg") else 1  # the context, then the value

    def guarded(*args: Any, **kwargs: Any) -> Any:
        rest = [*args[skip:], *kwargs.values()]
        _check_arguments(rest)
        value = args[skip - 1] if len(args) >= skip else None
        if name == "format":
            _check_arguments([value])
        _check_growth(name, value, rest)
        result = function(*args, **kwargs)
        if _size(result) > MAX_OUTPUT:
            raise _expensive(f"|{name} builds text beyond the cap")
        return result

    if hasattr(function, "jinja_pass_arg"):  # pass_context / pass_environment / pass_eval_context
        guarded.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    return guarded
