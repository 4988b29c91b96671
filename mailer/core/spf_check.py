"""``spf.record``: the envelope (bounce) domain has one valid SPF record within 10 look-ups,
and each of ``preflight.sending_ips`` passes it. Every failure says which record to publish."""

from __future__ import annotations

import ipaddress

from mailer.core.preflight import FAIL, PASS, WARN, Check, Lookup, txt_record, unanswered
from mailer.core.spf import (
    MAX_LOOKUPS,
    MAX_VOIDS,
    SpfError,
    SpfRecord,
    Term,
    check_host,
    parse,
    spf_texts,
)
from mailer.core.spf_walk import Walk, walk

NAME = "spf.record"


def suggested_record(sending_ips: tuple[str, ...], relay_host: str) -> str:
    """The record to publish when there is none: our sending addresses if known, else the
    relay's host name, else the domain's own MX (a receiver that sends its bounces too)."""
    terms = [f"ip{ipaddress.ip_address(ip).version}:{ip}" for ip in sending_ips]
    if not terms:
        try:
            address = ipaddress.ip_address(relay_host)
        except ValueError:
            local = relay_host in {"", "localhost"} or relay_host.endswith(".localhost")
            terms = ["mx"] if local or "." not in relay_host else [f"a:{relay_host}"]
        else:
            public = address.is_global
            terms = [f"ip{address.version}:{address}"] if public else ["mx"]
    return " ".join(["v=spf1", *terms, "-all"])


def _without_all(record: SpfRecord) -> list[str]:
    return [str(term) for term in record.terms if term.mechanism != "all"]


def merged(texts: list[str]) -> str:
    """Several SPF records as one: their mechanisms in order, once each, then one ``all``."""
    terms: list[str] = []
    qualifier = "~"
    for text in texts:
        try:
            record = parse(text)
        except SpfError:
            continue
        terms += [term for term in _without_all(record) if term not in terms]
        qualifier = "-" if record.all_qualifier == "-" else qualifier
    return " ".join(["v=spf1", *terms, f"{qualifier}all"])


def with_addresses(record: SpfRecord, addresses: list[str]) -> str:
    """``record`` allowing ``addresses`` too, before its ``all``."""
    extra = [f"ip{ipaddress.ip_address(ip).version}:{ip}" for ip in addresses]
    terms = [str(term) for term in record.terms if term.mechanism != "all"] + extra
    ending = [str(t) for t in record.terms if t.mechanism == "all"]
    ending += [f"redirect={record.redirect}"] if record.redirect and not ending else []
    return " ".join(["v=spf1", *terms, *(ending or ["~all"])])


def flattened(record: SpfRecord, networks: list[str], unflattened: list[str]) -> str:
    """The addresses the record's includes name, written out: no look-up left."""
    kept = [t for t in unflattened if not t.startswith("redirect=")]
    unique = list(dict.fromkeys(networks + kept))
    qualifier = record.all_qualifier if record.all_qualifier in {"-", "~"} else "~"
    return " ".join(["v=spf1", *unique, f"{qualifier}all"])


def spf_check(
    domain: str, lookup: Lookup, *, sending_ips: tuple[str, ...], relay_host: str
) -> Check:
    answer = lookup(domain, "TXT")
    if answer.failed:
        return unanswered(NAME, f"TXT {domain}", answer)
    texts = spf_texts(answer.records)
    suggestion = txt_record(domain, suggested_record(sending_ips, relay_host))
    if not texts:
        detail = (
            f"no SPF record at {domain} (the bounce domain): receivers cannot tell your "
            "servers from forgers"
        )
        return Check(NAME, FAIL, detail, f"publish {suggestion}")
    if len(texts) > 1:
        detail = (
            f"{len(texts)} SPF records at {domain}: receivers treat that as an error "
            "(permerror, RFC 7208 4.5)"
        )
        return Check(
            NAME, FAIL, detail, f"replace them by one: {txt_record(domain, merged(texts))}"
        )
    try:
        record = parse(texts[0])
    except SpfError as exc:
        detail = f"the SPF record at {domain} is invalid (permerror): {exc}"
        return Check(NAME, FAIL, detail, f"replace it: {suggestion}")
    fallback = suggested_record(sending_ips, relay_host)
    return _tree(record, domain, lookup, sending_ips, fallback)


def _replacement(
    record: SpfRecord, found: Walk, sending_ips: tuple[str, ...], fallback: str
) -> str:
    """A record without look-ups: our sending addresses when known (the bounce domain is ours
    alone), else the addresses the record's includes name today, else ``fallback``."""
    if sending_ips:
        return with_addresses(SpfRecord("", (Term("-", "all"),)), list(sending_ips))
    if found.networks or found.unflattened:
        return flattened(record, found.networks, found.unflattened)
    return fallback


def _tree(
    record: SpfRecord, domain: str, lookup: Lookup, sending_ips: tuple[str, ...], fallback: str
) -> Check:
    found = walk(record, domain, lookup)
    if found.failures:
        detail = f"could not follow the SPF record at {domain}: {found.failures[0]}"
        return Check(NAME, WARN, detail, "check the name server and run `mailer preflight` again")
    replacement = txt_record(domain, _replacement(record, found, sending_ips, fallback))
    if found.errors:
        detail = f"the SPF record at {domain} fails (permerror): {found.errors[0]}"
        return Check(NAME, FAIL, detail, f"replace it: {replacement}")
    if found.lookups > MAX_LOOKUPS:
        detail = (
            f"the SPF record at {domain} needs {found.lookups} DNS look-ups; past "
            f"{MAX_LOOKUPS} receivers fail it (permerror, RFC 7208 4.6.4)"
        )
        return Check(NAME, FAIL, detail, f"write the addresses out: {replacement}")
    if found.voids > MAX_VOIDS:
        detail = f"{found.voids} look-ups of the SPF record at {domain} find nothing (limit 2)"
        return Check(NAME, FAIL, detail, f"drop the names that do not exist: {replacement}")
    if record.all_qualifier == "+":
        detail = f"the SPF record at {domain} ends in +all: anyone may send as {domain}"
        fix = txt_record(domain, with_addresses(_ending(record, "-"), []))
        return Check(NAME, FAIL, detail, f"replace it: {fix}")
    return _addresses(record, domain, lookup, sending_ips, found.lookups)


def _ending(record: SpfRecord, qualifier: str) -> SpfRecord:
    terms = (*(t for t in record.terms if t.mechanism != "all"), Term(qualifier, "all"))
    return SpfRecord(record.text, terms, record.redirect)


def _addresses(
    record: SpfRecord, domain: str, lookup: Lookup, sending_ips: tuple[str, ...], lookups: int
) -> Check:
    refused: list[str] = []
    outcomes: list[str] = []
    for ip in sending_ips:
        result, reason = check_host(ip, domain, lookup)
        if result == "temperror":
            detail = f"could not evaluate SPF for {ip} at {domain}: {reason}"
            return Check(NAME, WARN, detail, "check the name server and run it again")
        if result != "pass":
            refused.append(ip)
            outcomes.append(f"{ip} gets {result}" + (f" ({reason})" if reason else ""))
    if refused:
        detail = f"the SPF record at {domain} does not allow our sending address: " + "; ".join(
            outcomes
        )
        fix = txt_record(domain, with_addresses(record, refused))
        return Check(NAME, FAIL, detail, f"replace it: {fix}")
    detail = f"one valid SPF record at {domain}, {lookups} DNS look-up(s)"
    if sending_ips:
        return Check(NAME, PASS, detail + f"; {', '.join(sending_ips)} pass")
    if record.all_qualifier not in {"-", "~"} and not record.redirect:
        fix = txt_record(domain, with_addresses(_ending(record, "~"), []))
        return Check(NAME, WARN, detail + ", but it does not end in -all or ~all", fix)
    return Check(NAME, PASS, detail + " (set preflight.sending_ips to check your addresses)")
