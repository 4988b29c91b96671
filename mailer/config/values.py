"""Reading one setting into the type its field declares, from TOML or from text.

A value comes from the TOML file (typed: a string, a number, an array) or from text (an
environment variable or ``--set``). Scalars follow the field's default (``str``, ``int``,
``float``, ``bool``, ``Path``); a field that needs more names its ``Reader`` in its metadata:

- ``OptionalValue``: blank text means unset (``None``); the file writes ``""`` for that;
- ``ListOf``: a TOML array, or (the old form, and the environment) one string separated by
  commas or blanks; each element is read by a function that raises ``ValueError`` saying what
  is wrong, and the error names the element (by position only for a secret);
- ``MapOf``: a list whose elements are ``key=value`` pairs, read into a mapping.

Readers raise ``ValueError``; the loader turns it into a ``ConfigError`` naming the key and
where the value came from.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, NamedTuple

SEPARATORS = r"[\s,]+"  # between the elements of a list written as one string


class Relay(NamedTuple):
    """One SMTP relay of ``smtp.relays``; ``weight`` shares the load among relays."""

    host: str
    port: int
    weight: float = 1.0

    def __str__(self) -> str:
        weight = "" if self.weight == 1 else f"*{self.weight:g}"
        return f"{self.host}:{self.port}{weight}"


def read_relay(text: str) -> Relay:
    """``"a.example.org:25*3"`` → host, port and weight (1 when not written)."""
    address, _, weight_text = text.partition("*")
    host, sep, port_text = address.strip().rpartition(":")
    try:
        if not (port_text.isascii() and weight_text.isascii()):
            raise ValueError("digits of another script")  # int('٣') would read 3
        port, weight = int(port_text), float(weight_text or 1)
    except ValueError:
        port, weight = 0, 0.0
    if not sep or not host or not 0 < port < 65536 or weight <= 0:
        raise ValueError("expected host:port or host:port*weight")
    return Relay(host, port, weight)


def read_domain_rate(text: str) -> tuple[str, float]:
    """``"gmail.com=10"`` → ``("gmail.com", 10.0)``: messages a second to that domain."""
    domain, sep, value = text.partition("=")
    domain = domain.strip().lower()
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not sep or not domain or "." not in domain or rate <= 0:
        raise ValueError("expected domain=messages-per-second, e.g. gmail.com=10")
    return domain, rate


def parse_nameserver(text: str) -> tuple[str, int] | None:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address → (host, port)."""
    text = text.strip()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":") if rest.startswith(":") else ("53" if not rest else "")
    elif text.count(":") > 1:  # a bare IPv6 address
        host, sep, port_text = text, "]", "53"
    else:
        host, sep, port_text = text.partition(":")
        sep, port_text = "]", port_text if sep else "53"
    digits = port_text.isascii() and port_text.isdigit()
    if not sep or not host or not digits or not 0 < int(port_text) < 65536:
        return None
    return host, int(port_text)


def read_nameserver(text: str) -> str:
    """A name server as written (the resolver reads it with ``parse_nameserver``)."""
    if parse_nameserver(text) is None:
        raise ValueError("expected host or host:port, e.g. 192.0.2.53 or [2001:db8::53]:5353")
    return text


def read_ip_address(text: str) -> str:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise ValueError("not an IPv4 or IPv6 address") from None
    return text


def read_text(text: str) -> str:
    return text


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine: ``localhost`` or a loopback address."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class OptionalValue:
    """A value that may be unset: blank text (``""`` in the file) is ``None``."""

    kind: type[str] | type[Path] = str
    secret: bool = False  # errors never show the value

    def read(self, value: Any) -> Any:
        if not isinstance(value, str):
            got = "" if self.secret else f", got {_shown(value)}"
            raise ValueError(f"expected {_kind_name(self.kind)}{got}")
        if not value.strip():
            return None
        return Path(value) if self.kind is Path else value

    def shown(self, value: Any) -> Any:
        return "" if value is None else str(value)


@dataclass(frozen=True)
class ListOf:
    """A TOML array of strings, or one string split at ``separators``; blank elements dropped."""

    element: Callable[[str], Any] = read_text
    separators: str = SEPARATORS
    secret: bool = False  # errors name an element by its position, never its text

    def read(self, value: Any) -> Any:
        if isinstance(value, str):
            texts = [part.strip() for part in re.split(self.separators, value) if part.strip()]
        elif isinstance(value, list | tuple):
            for position, item in enumerate(value, start=1):
                if not isinstance(item, str):
                    which = "" if self.secret else f" ({_shown(item)})"
                    raise ValueError(f"expected a list of strings; element {position}{which}")
            texts = [item.strip() for item in value]
        else:
            raise ValueError(f"expected a list of strings, got {_shown(value)}")
        # positions as written: in an array, a blank element still counts
        numbered = enumerate(texts, start=1)
        return tuple(self._element(position, text) for position, text in numbered if text)

    def _element(self, position: int, text: str) -> Any:
        try:
            return self.element(text)
        except ValueError as exc:
            which = f"element {position}" if self.secret else f"{text!r} (element {position})"
            raise ValueError(f"{which}: {exc}") from None

    def shown(self, value: Any) -> Any:
        return [str(item) for item in value]


@dataclass(frozen=True)
class MapOf(ListOf):
    """A list of ``key=value`` elements, read into a mapping (a later key wins)."""

    def read(self, value: Any) -> Any:
        return dict(super().read(value))

    def shown(self, value: Any) -> Any:
        return [f"{key}={number:g}" for key, number in value.items()]


Reader = OptionalValue | ListOf


def reader_of(field: dataclasses.Field[Any]) -> Reader | None:
    reader = field.metadata.get("read")
    return reader if isinstance(reader, OptionalValue | ListOf) else None


def read_value(value: Any, field: dataclasses.Field[Any], default: Any, *, from_text: bool) -> Any:
    """``value`` as the type ``field`` declares; raises ``ValueError`` saying what is wrong."""
    reader = reader_of(field)
    if reader is not None:
        return reader.read(value)
    kind = type(default)
    if isinstance(default, PurePath):
        if not isinstance(value, str):
            raise ValueError(f"expected a path (a string), got {_shown(value)}")
        return Path(value)
    if from_text and isinstance(value, str):
        return _from_text(value, kind)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is bool and not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"expected an integer, got {value!r}")
    if not isinstance(value, kind):
        raise ValueError(f"expected {_kind_name(kind)}, got {_shown(value)}")
    return value


def shown_value(value: Any, field: dataclasses.Field[Any]) -> Any:
    """``value`` as the file would write it (TOML has no null: unset is ``""``)."""
    reader = reader_of(field)
    if reader is not None:
        return reader.shown(value)
    return str(value) if isinstance(value, PurePath) else value


def _from_text(value: str, kind: type[Any]) -> Any:
    text = value.strip()
    if kind is bool:
        lowered = text.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"expected true or false, got {value!r}")
    if kind in (int, float):
        try:
            if not text.isascii():
                raise ValueError("digits of another script")  # int('٣') would read 3
            return kind(text)
        except ValueError:
            raise ValueError(f"expected {_kind_name(kind)}, got {value!r}") from None
    return value


def _kind_name(kind: type[Any]) -> str:
    names: Mapping[type[Any], str] = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        Path: "a path (a string)",
    }
    return names.get(kind, kind.__name__)


def _shown(value: Any) -> str:
    kinds = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array"}
    return f"{kinds.get(type(value), type(value).__name__)} {value!r}"
