"""An SPF record's whole tree, every branch once: the DNS look-ups it needs (RFC 7208 4.6.4
counts them; past 10 receivers fail it), names that find nothing, loops, and the addresses
its includes allow today (to write them out when the tree is too big)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from mailer.core.preflight import Lookup
from mailer.core.spf import (
    LOOKUP_MECHANISMS,
    MAX_MX,
    SpfRecord,
    SpfStop,
    Term,
    expand,
    mx_hosts,
    network_text,
    record_at,
)

MAX_WALK = 40  # a walk of a huge include tree stops here: it is far past the limit anyway


@dataclass
class Walk:
    """Every branch of a record followed once (receivers stop at the first match; the limit
    counts what any sender's check may need)."""

    lookups: int = 0
    voids: int = 0
    errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    unflattened: list[str] = field(default_factory=list)


def walk(record: SpfRecord, domain: str, lookup: Lookup) -> Walk:
    """Count the look-ups of ``record`` (at ``domain``) and collect the addresses it allows."""
    found = Walk()
    _walk(record, domain, lookup, found, (domain,))
    return found


def _walk(
    record: SpfRecord, domain: str, lookup: Lookup, found: Walk, path: tuple[str, ...]
) -> None:
    for term in record.terms:
        if found.lookups > MAX_WALK:
            return
        if term.mechanism in LOOKUP_MECHANISMS:
            found.lookups += 1
        if term.mechanism in {"ip4", "ip6"}:
            if term.qualifier == "+":
                found.networks.append(f"{term.mechanism}:{term.target}")
            continue
        if term.mechanism == "all":
            continue
        target = expand(term.target, ip=None, domain=domain) if term.target else domain
        if target is None or term.mechanism in {"ptr", "exists"} or term.qualifier != "+":
            found.unflattened.append(str(term))
            continue
        if term.mechanism == "include":
            _follow(target, lookup, found, path, f"include:{target}")
        else:
            _collect(term, target, lookup, found)
    if record.redirect and record.all_qualifier is None:
        found.lookups += 1
        target = expand(record.redirect, ip=None, domain=domain)
        if target is None:
            found.unflattened.append(f"redirect={record.redirect}")
        else:
            _follow(target, lookup, found, path, f"redirect={target}")


def _follow(target: str, lookup: Lookup, found: Walk, path: tuple[str, ...], how: str) -> None:
    if target in path:
        found.errors.append(f"{how} loops back to {target}")
        return
    try:
        record = record_at(target, lookup)
    except SpfStop as stop:
        (found.failures if stop.result == "temperror" else found.errors).append(f"{how}: {stop}")
        return
    if record is None:
        found.voids += 1
        found.errors.append(f"{how} has no SPF record: receivers treat that as an error")
        return
    _walk(record, target, lookup, found, (*path, target))


def _collect(term: Term, target: str, lookup: Lookup, found: Walk) -> None:
    try:
        hosts = mx_hosts(lookup(target, "MX")) if term.mechanism == "mx" else [target]
    except SpfStop as stop:
        found.failures.append(f"{term}: {stop}")
        return
    if term.mechanism == "mx" and not hosts:
        found.voids += 1
    for host in hosts[: MAX_MX + 1]:
        any_address = False
        for kind, prefix, version in (("A", term.prefix4, "ip4"), ("AAAA", term.prefix6, "ip6")):
            answer = lookup(host, kind)
            if answer.failed:
                found.failures.append(f"{term}: {answer.failure}")
                return
            for address in answer.records:
                network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
                found.networks.append(f"{version}:{network_text(network)}")
                any_address = True
        if not any_address and term.mechanism == "a":
            found.voids += 1
    if term.mechanism == "mx" and len(hosts) > MAX_MX:
        found.errors.append(f"{term}: {target} has more than {MAX_MX} MX hosts")
