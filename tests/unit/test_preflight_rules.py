"""The preflight rules without DNS: a dict stands in for the zone."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mailer.config import load_settings
from mailer.core import dkim_keys, dmarc
from mailer.core.preflight import Answer, is_reserved, tag_list, txt_record
from mailer.core.preflight_message import from_check, size_check, unsubscribe_check
from mailer.core.spf import SpfError, check_host, expand, parse
from mailer.core.spf_check import merged, spf_check, suggested_record
from mailer.core.spf_walk import walk
from mailer.errors import ConfigError

Records = dict[tuple[str, str], list[str]]


def zone(records: Records, *, down: set[str] | None = None):  # type: ignore[no-untyped-def]
    def lookup(name: str, rdtype: str) -> Answer:
        if name in (down or set()):
            return Answer(failure="no answer within 1 s from 127.0.0.1:53")
        return Answer(tuple(records.get((name, rdtype), [])))

    return lookup


# --- SPF ---------------------------------------------------------------------------------


def test_spf_terms_parse_and_print_back() -> None:
    record = parse("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a:mail.example.org/28 mx -all")
    assert [str(t) for t in record.terms] == [
        "ip4:192.0.2.0/24",
        "ip6:2001:db8::/32",
        "a:mail.example.org/28",
        "mx",
        "-all",
    ]
    assert record.all_qualifier == "-"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("v=spf2 -all", "does not start with v=spf1"),
        ("v=spf1 ip4:300.1.1.1 -all", "not an address"),
        ("v=spf1 ip4:2001:db8::1 -all", "not an IPv4"),
        ("v=spf1 include -all", "include needs a domain"),
        ("v=spf1 frobnicate -all", "not a known mechanism"),
        ("v=spf1 redirect=a.example redirect=b.example", "redirect= appears twice"),
        ("v=spf1 a:example.org/33", "longer than 32"),
    ],
)
def test_invalid_spf_says_what(text: str, message: str) -> None:
    with pytest.raises(SpfError, match=message):
        parse(text)


def test_check_host_follows_includes_a_and_mx() -> None:
    lookup = zone(
        {
            ("example.org", "TXT"): ["v=spf1 include:relay.example.net mx -all"],
            ("relay.example.net", "TXT"): ["v=spf1 a:out.example.net ~all"],
            ("out.example.net", "A"): ["198.51.100.20"],
            ("example.org", "MX"): ["10 mx.example.org"],
            ("mx.example.org", "A"): ["192.0.2.5"],
        }
    )
    assert check_host("198.51.100.20", "example.org", lookup) == ("pass", "")
    assert check_host("192.0.2.5", "example.org", lookup) == ("pass", "")
    assert check_host("203.0.113.1", "example.org", lookup)[0] == "fail"
    assert check_host("203.0.113.1", "nothing.example", lookup)[0] == "none"


def test_check_host_stops_after_ten_lookups() -> None:
    records: Records = {("example.org", "TXT"): ["v=spf1 include:s1.example.org -all"]}
    for n in range(1, 12):
        records[(f"s{n}.example.org", "TXT")] = [f"v=spf1 include:s{n + 1}.example.org -all"]
    result, reason = check_host("192.0.2.1", "example.org", zone(records))
    assert result == "permerror"
    assert "more than 10 DNS look-ups" in reason


def test_macros_expand_for_what_a_check_knows() -> None:
    assert expand("%{i}._spf.%{d}", ip="192.0.2.3", domain="example.org") == (
        "192.0.2.3._spf.example.org"
    )
    assert expand("%{ir}.%{v}._spf.%{d2}", ip="192.0.2.3", domain="a.b.example.org") == (
        "3.2.0.192.in-addr._spf.example.org"
    )
    assert expand("%{i}.x.example", ip=None, domain="example.org") is None


def test_a_walk_counts_every_branch_finds_loops_and_flattens() -> None:
    lookup = zone(
        {
            ("a.example", "TXT"): ["v=spf1 include:b.example ip4:192.0.2.1 -all"],
            ("b.example", "TXT"): ["v=spf1 a:host.b.example include:a.example ~all"],
            ("host.b.example", "A"): ["198.51.100.9"],
        }
    )
    found = walk(parse("v=spf1 include:a.example -all"), "example.org", lookup)
    assert found.lookups == 4
    assert found.errors == ["include:a.example loops back to a.example"]
    assert "ip4:198.51.100.9" in found.networks
    assert "ip4:192.0.2.1" in found.networks


def test_two_records_merge_into_one() -> None:
    assert merged(["v=spf1 ip4:192.0.2.1 -all", "v=spf1 include:x.example ip4:192.0.2.1 ~all"]) == (
        "v=spf1 ip4:192.0.2.1 include:x.example -all"
    )


def test_the_suggested_record_names_what_we_know() -> None:
    assert suggested_record(("192.0.2.1", "2001:db8::1"), "relay") == (
        "v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 -all"
    )
    assert suggested_record((), "smtp.relay.example.net") == "v=spf1 a:smtp.relay.example.net -all"
    assert suggested_record((), "localhost") == "v=spf1 mx -all"


def test_spf_check_warns_when_dns_does_not_answer_and_fails_plus_all() -> None:
    silent = spf_check("b.example", zone({}, down={"b.example"}), sending_ips=(), relay_host="x")
    assert silent.status == "warn"
    assert "127.0.0.1:53" in silent.detail
    anyone = zone({("b.example", "TXT"): ["v=spf1 +all"]})
    check = spf_check("b.example", anyone, sending_ips=(), relay_host="x")
    assert check.status == "fail"
    assert 'b.example. IN TXT "v=spf1 -all"' in check.fix


# --- DKIM --------------------------------------------------------------------------------


def _key(bits: int = 2048) -> tuple[dkim_keys.RsaPublicKey, bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    numbers = key.public_key().public_numbers()
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pkcs1 = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )
    return dkim_keys.RsaPublicKey(numbers.n, numbers.e), spki, pkcs1


def test_public_keys_decode_from_both_der_forms_and_refuse_garbage() -> None:
    ours, spki, pkcs1 = _key()
    assert dkim_keys.decode_public_key(spki) == ours
    assert dkim_keys.decode_public_key(pkcs1) == ours
    assert ours.bits == 2048
    for garbage in (b"", b"\x30\x03\x02\x01", spki[:-5], b"\x30\x82\xff\xff" + spki[4:]):
        with pytest.raises(ValueError):
            dkim_keys.decode_public_key(garbage)


def _check(record: str, ours: dkim_keys.RsaPublicKey):  # type: ignore[no-untyped-def]
    return dkim_keys.key_check(
        selector="s",
        domain="example.org",
        answer=Answer((record,)),
        ours=ours,
        our_record="v=DKIM1; k=rsa; p=OURS",
    )


def test_dkim_key_check_tells_each_fault_apart() -> None:
    ours, spki, _ = _key()
    _, other_spki, _ = _key()
    p = base64.b64encode(spki).decode()
    assert _check(f"v=DKIM1; k=rsa; p={p}", ours).status == "pass"
    folded = f"v=DKIM1; k=rsa; p={p[:100]} {p[100:]}"  # whitespace inside p= is folding
    assert _check(folded, ours).status == "pass"
    another = _check(f"v=DKIM1; p={base64.b64encode(other_spki).decode()}", ours)
    assert another.status == "fail"
    assert "another key" in another.detail
    assert 's._domainkey.example.org. IN TXT "v=DKIM1; k=rsa; p=OURS"' in another.fix
    assert "revoked" in _check("v=DKIM1; k=rsa; p=", ours).detail
    assert "malformed" in _check("v=DKIM1; k=rsa; p=not!base64", ours).detail
    assert "malformed" in _check("k=rsa; v=DKIM1; p=" + p, ours).detail
    assert "k=ed25519" in _check("v=DKIM1; k=ed25519; p=" + p, ours).detail
    assert "t=y" in _check(f"v=DKIM1; t=y; p={p}", ours).detail
    none = dkim_keys.key_check(
        selector="s", domain="example.org", answer=Answer(()), ours=ours, our_record="x"
    )
    assert none.status == "fail"
    assert "no DKIM key is published at s._domainkey.example.org" in none.detail


def test_a_1024_bit_key_is_a_warning() -> None:
    ours, spki, _ = _key(1024)
    check = _check(f"v=DKIM1; p={base64.b64encode(spki).decode()}", ours)
    assert check.status == "warn"
    assert "--bits 2048" in check.fix


def test_alignment_is_by_organisational_domain_unless_strict() -> None:
    relaxed = dkim_keys.alignment_check(
        dkim_domain="example.org",
        dkim_org="example.org",
        from_domain="news.example.org",
        from_org="example.org",
    )
    assert relaxed.status == "pass"
    strict = dkim_keys.alignment_check(
        dkim_domain="example.org",
        dkim_org="example.org",
        from_domain="news.example.org",
        from_org="example.org",
        strict=True,
    )
    assert strict.status == "fail"


# --- DMARC -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "status", "said"),
    [
        ("v=DMARC1; p=reject; rua=mailto:d@example.org", "pass", "p=reject"),
        ("v=DMARC1; p=quarantine; pct=50; rua=mailto:d@example.org", "pass", "50%"),
        ("v=DMARC1; p=none; rua=mailto:d@example.org", "warn", "act on nothing"),
        ("v=DMARC1; p=none", "warn", "without rua="),
        ("v=DMARC1; rua=mailto:d@example.org", "fail", "p= (the policy) is missing"),
        ("p=reject; v=DMARC1", "fail", "no DMARC record"),  # RFC 7489 6.6.3: not DMARC
        ("v=DMARC1; p=block", "fail", "expected none, quarantine or reject"),
    ],
)
def test_dmarc_records(record: str, status: str, said: str) -> None:
    lookup = zone({("_dmarc.example.org", "TXT"): [record]})
    check, _ = dmarc.record_check("example.org", "example.org", lookup)
    assert check.status == status
    assert said in check.detail or said in check.fix


def test_dmarc_found_at_the_from_domain_before_the_organisational_one() -> None:
    lookup = zone(
        {
            ("_dmarc.news.example.org", "TXT"): ["v=DMARC1; p=reject"],
            ("_dmarc.example.org", "TXT"): ["v=DMARC1; p=none"],
        }
    )
    check, policy = dmarc.record_check("news.example.org", "example.org", lookup)
    assert policy is not None
    assert policy.name == "_dmarc.news.example.org"
    assert check.status == "pass"


def test_dmarc_p_none_fix_keeps_the_other_tags() -> None:
    lookup = zone(
        {("_dmarc.example.org", "TXT"): ["v=DMARC1; p=none; rua=mailto:d@example.org; adkim=s"]}
    )
    check, _ = dmarc.record_check("example.org", "example.org", lookup)
    assert check.fix.endswith(
        '_dmarc.example.org. IN TXT "v=DMARC1; p=quarantine; rua=mailto:d@example.org; adkim=s"'
    )


def test_dmarc_alignment_through_dkim_spf_or_neither() -> None:
    common = {"from_domain": "example.org", "from_org": "example.org", "policy": None}
    aligned = ("example.org", "example.org")
    bounce = ("bounces.example.org", "example.org")
    through_dkim = dmarc.alignment_check(dkim=aligned, bounce=bounce, spf_passes=False, **common)
    assert through_dkim.status == "pass"
    only_spf = dmarc.alignment_check(dkim=None, bounce=bounce, spf_passes=True, **common)
    assert only_spf.status == "warn"
    elsewhere = ("bounces.esp.example.net", "esp.example.net")
    neither = dmarc.alignment_check(dkim=None, bounce=elsewhere, spf_passes=True, **common)
    assert neither.status == "fail"
    assert "bounces.example.org" in neither.fix


# --- the rest ----------------------------------------------------------------------------


def test_a_from_at_a_mailbox_provider_fails() -> None:
    assert from_check("News <news.eeca@mail.ru>").status == "fail"
    assert from_check("News <news@menengage.example>").status == "pass"


def test_sizes_and_unsubscribe_headers() -> None:
    assert size_check([("en", 50_000), ("ru", 110_000)]).status == "fail"
    head = (
        b"From: a@example.org\r\nList-Unsubscribe: <https://x.example/u/t>, <mailto:u@x.example>"
        b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
    )
    signed = (
        b"DKIM-Signature: v=1; d=example.org; h=from:list-unsubscribe:\r\n"
        b"\tlist-unsubscribe-post; b=x\r\n"
    )
    assert unsubscribe_check(signed + head + b"\r\nbody", signed=True).status == "pass"
    partly = signed.replace(b":\r\n\tlist-unsubscribe-post", b"")
    assert "list-unsubscribe-post" in unsubscribe_check(partly + head + b"\r\n", signed=True).detail
    plain = head.replace(b"https://", b"http://")
    assert "not https" in unsubscribe_check(plain + b"\r\n", signed=False).detail
    assert "missing" in unsubscribe_check(b"From: a@example.org\r\n\r\n", signed=False).detail


def test_helpers() -> None:
    long = "p=" + "A" * 400
    line = txt_record("s._domainkey.example.org", long)
    assert line.startswith('s._domainkey.example.org. IN TXT "p=AAA')
    assert [len(part) for part in line.split('"')[1::2]] == [255, 147]
    assert tag_list("v=DKIM1; k = rsa ;p=AB CD") == {"v": "DKIM1", "k": "rsa", "p": "ABCD"}
    with pytest.raises(ValueError, match="twice"):
        tag_list("p=a; p=b")
    assert all(map(is_reserved, ["bounces.example.org", "corp.test", "x.invalid"]))
    assert not any(map(is_reserved, ["menengage.org", "example.org.rs"]))


def test_preflight_settings_take_lists_from_toml_and_text_from_the_environment(
    tmp_path: Path,
) -> None:
    config = tmp_path / "m.toml"
    config.write_text('[preflight]\nnameservers = ["192.0.2.53", "[2001:db8::53]:5353"]\n')
    settings = load_settings(config, environ={"MAILER_PREFLIGHT__SENDING_IPS": "192.0.2.1, ::1"})
    assert settings.preflight.nameservers == ("192.0.2.53", "[2001:db8::53]:5353")
    assert settings.preflight.sending_ips == ("192.0.2.1", "::1")
    for key, value, said in (
        ("preflight.nameservers", "ns.example:99999", "expected host or host:port"),
        ("preflight.sending_ips", "mail.example.org", "not an IPv4 or IPv6 address"),
        ("preflight.gate", "sometimes", "expected auto, on or off"),
    ):
        with pytest.raises(ConfigError, match=said):
            load_settings(environ={}, overrides={key: value})
    config.write_text("[preflight]\nnameservers = [53]\n")
    with pytest.raises(ConfigError, match="expected a list of strings"):
        load_settings(config, environ={})


def test_a_huge_include_tree_is_walked_a_bounded_number_of_questions() -> None:
    records: Records = {}
    for n in range(50):
        children = " ".join(f"include:c{n}-{m}.example" for m in range(50))
        records[(f"p{n}.example", "TXT")] = [f"v=spf1 {children} -all"]
    top = " ".join(f"include:p{n}.example" for n in range(50))
    asked: list[str] = []

    def lookup(name: str, rdtype: str) -> Answer:
        asked.append(name)
        return Answer(tuple(records.get((name, rdtype), ["v=spf1 -all"])))

    found = walk(parse(f"v=spf1 {top} -all"), "example.org", lookup)
    assert found.lookups > 10
    assert len(asked) <= 50  # not 2,550: the walk stops once far past the limit
    records[("b.example", "TXT")] = [f"v=spf1 {top} -all"]
    check = spf_check(
        "b.example",
        lookup,
        sending_ips=("192.0.2.1",),
        relay_host="x",
    )
    assert check.status == "fail"
    assert 'b.example. IN TXT "v=spf1 ip4:192.0.2.1 -all"' in check.fix
