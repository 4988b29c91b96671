"""SPF (RFC 7208): parse a record, evaluate an IP against it, count its DNS look-ups.

Our own evaluator over a ``Lookup`` rather than pyspf or checkdmarc: both resolve through
their own resolver settings (and checkdmarc fetches the Public Suffix List over the network),
so neither would ask only the name servers of ``preflight.nameservers``; and a pure evaluator
is unit-tested with a dict. Macros (section 7) are expanded for the letters a check can know.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from mailer.core.preflight import Answer, Lookup

QUALIFIERS = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
LOOKUP_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})
MECHANISMS = LOOKUP_MECHANISMS | {"all", "ip4", "ip6"}
MAX_LOOKUPS = 10  # RFC 7208 4.6.4
MAX_VOIDS = 2
MAX_MX = 10
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_IP_TERM = re.compile(r"([+\-~?]?)(ip4|ip6):(\S+)", re.IGNORECASE)
_TERM = re.compile(
    r"(?P<q>[+\-~?]?)(?P<name>[a-z0-9]+)(?::(?P<target>[^/\s]+))?(?:/(?P<v4>\d+))?(?://(?P<v6>\d+))?",
    re.IGNORECASE,
)
_MODIFIER = re.compile(r"([a-z][a-z0-9_.\-]*)=(\S*)", re.IGNORECASE)
_MACRO = re.compile(r"%\{([a-z])(\d*)(r?)([.\-+,/_=]*)\}|%%|%_|%-", re.IGNORECASE)


class SpfError(ValueError):
    """A record that is not valid SPF (a permerror for receivers)."""


@dataclass(frozen=True)
class Term:
    qualifier: str
    mechanism: str
    target: str = ""  # the domain-spec, or the network of ip4/ip6
    prefix4: int = 32
    prefix6: int = 128

    def __str__(self) -> str:
        qualifier = "" if self.qualifier == "+" else self.qualifier
        if self.mechanism in {"ip4", "ip6", "all"}:
            return f"{qualifier}{self.mechanism}" + (f":{self.target}" if self.target else "")
        text = f"{qualifier}{self.mechanism}" + (f":{self.target}" if self.target else "")
        text += f"/{self.prefix4}" if self.prefix4 != 32 else ""
        return text + (f"//{self.prefix6}" if self.prefix6 != 128 else "")


@dataclass(frozen=True)
class SpfRecord:
    text: str
    terms: tuple[Term, ...]
    redirect: str | None = None

    @property
    def all_qualifier(self) -> str | None:
        return next((t.qualifier for t in self.terms if t.mechanism == "all"), None)


def spf_texts(records: tuple[str, ...] | list[str]) -> list[str]:
    """The records that are SPF (``v=spf1`` first), as RFC 7208 4.5 selects them."""
    return [r for r in records if r.lower() == "v=spf1" or r.lower().startswith("v=spf1 ")]


def network_text(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    """``192.0.2.10`` for a single address, ``192.0.2.0/24`` for a range."""
    full = network.prefixlen == network.max_prefixlen
    return str(network.network_address) if full else str(network)


def _prefix(value: str | None, limit: int, word: str) -> int:
    if value is None:
        return limit
    if int(value) > limit:
        raise SpfError(f"{word}: prefix /{value} is longer than {limit}")
    return int(value)


def parse(text: str) -> SpfRecord:
    words = text.split()
    if not words or words[0].lower() != "v=spf1":
        raise SpfError("does not start with v=spf1")
    terms: list[Term] = []
    redirect: str | None = None
    for word in words[1:]:
        ip_term = _IP_TERM.fullmatch(word)
        if ip_term:
            qualifier, kind, network = ip_term.groups()
            try:
                parsed = ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise SpfError(f"{word}: {network!r} is not an address or network") from None
            if parsed.version != int(kind[-1]):
                raise SpfError(f"{word}: not an IPv{kind[-1]} network")
            terms.append(Term(qualifier or "+", kind.lower(), network_text(parsed)))
            continue
        modifier = _MODIFIER.fullmatch(word)
        if modifier and modifier[1].lower() not in MECHANISMS:
            if modifier[1].lower() == "redirect":
                if redirect is not None:
                    raise SpfError("redirect= appears twice")
                redirect = _domain_spec(modifier[2], word)
            continue  # exp= and unknown modifiers are ignored (RFC 7208 6)
        term = _TERM.fullmatch(word)
        if term is None or term["name"].lower() not in MECHANISMS:
            raise SpfError(f"{word!r} is not a known mechanism or modifier")
        terms.append(_mechanism(term, word))
    return SpfRecord(text, tuple(terms), redirect)


def _mechanism(term: re.Match[str], word: str) -> Term:
    name, target = term["name"].lower(), term["target"] or ""
    has_prefix = bool(term["v4"] or term["v6"])
    if name == "all" and (target or has_prefix):
        raise SpfError(f"{word}: all takes no argument")
    if name in {"include", "exists"} and (not target or has_prefix):
        raise SpfError(f"{word}: {name} needs a domain and takes no prefix")
    if name in {"ip4", "ip6"}:
        raise SpfError(f"{word}: {name} needs an address")
    if name == "ptr" and has_prefix:
        raise SpfError(f"{word}: ptr takes no prefix")
    return Term(
        term["q"] or "+",
        name,
        _domain_spec(target, word) if target else "",
        _prefix(term["v4"], 32, word),
        _prefix(term["v6"], 128, word),
    )


def _domain_spec(spec: str, word: str) -> str:
    if "%" in spec:
        return spec  # a macro: checked when expanded
    labels = spec.rstrip(".").split(".")
    if len(labels) < 2 or not all(
        re.fullmatch(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*)", x) for x in labels
    ):
        raise SpfError(f"{word}: {spec!r} is not a domain name")
    return spec.rstrip(".").lower()


def expand(spec: str, *, ip: str | None, domain: str) -> str | None:
    """The domain a macro names (RFC 7208 7); None when it needs the IP and there is none."""
    if "%" not in spec:
        return spec
    sender_local, sender_domain = "postmaster", domain  # a bounce's sender is empty: RFC 7208 2.4

    def letter_value(letter: str) -> str | None:
        address = ipaddress.ip_address(ip) if ip else None
        dotted = None
        if address is not None:
            nibbles = address.exploded.replace(":", "")
            dotted = str(address) if address.version == 4 else ".".join(nibbles)
        values = {
            "s": f"{sender_local}@{sender_domain}",
            "l": sender_local,
            "o": sender_domain,
            "d": domain,
            "h": domain,
            "p": "unknown",
            "i": dotted,
            "v": None if address is None else ("in-addr" if address.version == 4 else "ip6"),
        }
        return values.get(letter.lower())

    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        text = match[0]
        if text in {"%%", "%_", "%-"}:
            return {"%%": "%", "%_": " ", "%-": "%20"}[text]
        value = letter_value(match[1])
        if value is None:
            missing = True
            return ""
        parts = re.split("[" + re.escape(match[4] or ".") + "]", value)
        if match[3]:
            parts.reverse()
        if match[2]:
            parts = parts[-int(match[2]) :] if int(match[2]) else parts
        return ".".join(parts)

    expanded = _MACRO.sub(one, spec)
    return None if missing else expanded.rstrip(".").lower()


@dataclass
class Budget:
    lookups: int = 0
    voids: int = 0


class SpfStop(Exception):
    """Evaluation ends with ``result`` (temperror, permerror) for ``reason``."""

    def __init__(self, result: str, reason: str) -> None:
        super().__init__(reason)
        self.result = result
        self.reason = reason


def check_host(ip: str, domain: str, lookup: Lookup) -> tuple[str, str]:
    """RFC 7208 4: (result, reason) for mail from ``ip`` with the envelope domain ``domain``."""
    budget = Budget()
    try:
        return _check(ipaddress.ip_address(ip), domain, lookup, budget), ""
    except SpfStop as stop:
        return stop.result, stop.reason


def record_at(domain: str, lookup: Lookup) -> SpfRecord | None:
    answer = lookup(domain, "TXT")
    if answer.failed:
        raise SpfStop("temperror", answer.failure)
    texts = spf_texts(answer.records)
    if len(texts) > 1:
        raise SpfStop("permerror", f"{len(texts)} SPF records at {domain}")
    try:
        return parse(texts[0]) if texts else None
    except SpfError as exc:
        raise SpfStop("permerror", f"the SPF record at {domain} {exc}") from None


def _check(ip: IpAddress, domain: str, lookup: Lookup, budget: Budget) -> str:
    record = record_at(domain, lookup)
    if record is None:
        return "none"
    for term in record.terms:
        if _matches(term, ip, domain, lookup, budget):
            return QUALIFIERS[term.qualifier]
    if record.redirect and record.all_qualifier is None:
        _spend(budget)
        target = _target(record.redirect, ip, domain)
        result = _check(ip, target, lookup, budget)
        if result == "none":
            raise SpfStop("permerror", f"redirect={target} has no SPF record")
        return result
    return "neutral"


def _spend(budget: Budget) -> None:
    budget.lookups += 1
    if budget.lookups > MAX_LOOKUPS:
        raise SpfStop("permerror", f"more than {MAX_LOOKUPS} DNS look-ups")


def _target(spec: str, ip: IpAddress, domain: str) -> str:
    return expand(spec, ip=str(ip), domain=domain) or domain


def _addresses(name: str, version: int, lookup: Lookup, budget: Budget) -> tuple[str, ...]:
    answer = lookup(name, "A" if version == 4 else "AAAA")
    if answer.failed:
        raise SpfStop("temperror", answer.failure)
    if not answer.records:
        budget.voids += 1
        if budget.voids > MAX_VOIDS:
            raise SpfStop("permerror", f"more than {MAX_VOIDS} look-ups found nothing")
    return answer.records


def _within(ip: IpAddress, addresses: tuple[str, ...], term: Term) -> bool:
    prefix = term.prefix4 if ip.version == 4 else term.prefix6
    for address in addresses:
        network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
        if network.version == ip.version and ip in network:
            return True
    return False


def _matches(term: Term, ip: IpAddress, domain: str, lookup: Lookup, budget: Budget) -> bool:
    kind = term.mechanism
    if kind == "all":
        return True
    if kind in {"ip4", "ip6"}:
        network = ipaddress.ip_network(term.target)
        return network.version == ip.version and ip in network
    _spend(budget)
    target = _target(term.target, ip, domain) if term.target else domain
    if kind == "a":
        return _within(ip, _addresses(target, ip.version, lookup, budget), term)
    if kind == "mx":
        hosts = mx_hosts(lookup(target, "MX"))
        if len(hosts) > MAX_MX:
            raise SpfStop("permerror", f"{target} has more than {MAX_MX} MX hosts")
        return any(_within(ip, _addresses(h, ip.version, lookup, budget), term) for h in hosts)
    if kind == "include":
        result = _check(ip, target, lookup, budget)
        if result in {"none", "permerror"}:
            raise SpfStop("permerror", f"include:{target} has no valid SPF record")
        return result == "pass"
    if kind == "exists":
        return bool(_addresses(target, 4, lookup, budget))
    return False  # ptr: discouraged (RFC 7208 5.5) and never matched here


def mx_hosts(answer: Answer) -> list[str]:
    """The hosts of an MX answer, most preferred first; ``temperror`` when it failed."""
    if answer.failed:
        raise SpfStop("temperror", answer.failure)
    found = []
    for record in answer.records:
        preference, _, host = record.partition(" ")
        if preference.isdigit() and host.strip(". "):
            found.append((int(preference), host.strip().rstrip(".").lower()))
    return [host for _, host in sorted(found)]
