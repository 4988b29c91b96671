"""Single values as the file and the environment write them: relays, rates, name servers."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from mailer.errors import ConfigError


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine: ``localhost`` or a loopback address."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def parse_relays(text: str) -> list[tuple[str, int, float]]:
    """``"a.example.org:25*3, b.example.org:587"`` → hosts, ports and weights (default 1)."""
    relays: list[tuple[str, int, float]] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        address, _, weight_text = item.partition("*")
        host, sep, port_text = address.strip().rpartition(":")
        try:
            if not (port_text.isascii() and weight_text.isascii()):
                raise ValueError("digits of another script")  # int('٣') would read 3
            port, weight = int(port_text), float(weight_text or 1)
        except ValueError:
            port, weight = 0, 0.0
        if not sep or not host or not 0 < port < 65536 or weight <= 0:
            raise ValueError(f"{item!r}: expected host:port or host:port*weight")
        relays.append((host, port, weight))
    return relays


def parse_domain_rates(text: str) -> dict[str, float]:
    """``"gmail.com=10, mail.ru=5"`` → ``{"gmail.com": 10.0, "mail.ru": 5.0}`` (per second)."""
    rates: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        domain, sep, value = item.partition("=")
        domain = domain.strip().lower()
        try:
            rate = float(value)
        except ValueError:
            rate = -1.0
        if not sep or not domain or "." not in domain or rate <= 0:
            raise ValueError(f"{item!r}: expected domain=messages-per-second, e.g. gmail.com=10")
        rates[domain] = rate
    return rates


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


def coerce(value: Any, default: Any, *, source: str, key: str, from_text: bool) -> Any:
    kind = type(default)
    if kind is tuple:
        return _string_list(value, source=source, key=key)
    if from_text and isinstance(value, str):
        text = value.strip()
        if kind is bool:
            lowered = text.lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ConfigError(f"expected true or false, got {value!r}", source=source, key=key)
        if kind is int:
            try:
                if not text.isascii():
                    raise ValueError("digits of another script")  # int('٣') would read 3
                return int(text)
            except ValueError:
                raise ConfigError(
                    f"expected an integer, got {value!r}", source=source, key=key
                ) from None
        if kind is float:
            try:
                if not text.isascii():
                    raise ValueError("digits of another script")
                return float(text)
            except ValueError:
                raise ConfigError(
                    f"expected a number, got {value!r}", source=source, key=key
                ) from None
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"expected true or false, got {value!r}", source=source, key=key)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"expected an integer, got {value!r}", source=source, key=key)
    if not isinstance(value, kind):
        raise ConfigError(
            f"expected {_kind_name(kind)}, got {type(value).__name__} {value!r}",
            source=source,
            key=key,
        )
    return value


def _string_list(value: Any, *, source: str, key: str) -> tuple[str, ...]:
    """A TOML array of strings, or (environment, --set) one string separated by commas."""
    if isinstance(value, str):
        return tuple(part for part in re.split(r"[\s,]+", value) if part)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise ConfigError(f"expected a list of strings, got {value!r}", source=source, key=key)


def _kind_name(kind: type[Any]) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        kind, kind.__name__
    )
