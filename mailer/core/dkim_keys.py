"""``dkim.key`` and ``dkim.alignment``: is the key in DNS ours, and does d= align with From?

A DKIM key record (RFC 6376 3.6.1) is ``v=DKIM1; k=rsa; p=<base64 DER>`` at
``<selector>._domainkey.<domain>``; ``p=`` holds a SubjectPublicKeyInfo (some publish the bare
PKCS#1 RSAPublicKey; verifiers accept both). The modulus is read here with a few lines of DER,
so the rule needs no crypto library: the use case hands in the modulus of our private key.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from mailer.core.preflight import FAIL, PASS, WARN, Answer, Check, tag_list, txt_record, unanswered

MIN_BITS = 2048
_RSA_OID = bytes.fromhex("06092a864886f70d010101")  # 1.2.840.113549.1.1.1 rsaEncryption


@dataclass(frozen=True)
class RsaPublicKey:
    modulus: int
    exponent: int

    @property
    def bits(self) -> int:
        return self.modulus.bit_length()


def _element(data: bytes, pos: int) -> tuple[int, int, int]:
    """The DER element at ``pos``: (tag, start of its content, end of its content)."""
    if pos + 2 > len(data):
        raise ValueError("truncated")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        size = length & 0x7F
        if not 0 < size <= 4 or pos + size > len(data):
            raise ValueError("bad length")
        length = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    if pos + length > len(data):
        raise ValueError("truncated")
    return tag, pos, pos + length


def _rsa_public_key(der: bytes) -> RsaPublicKey:
    """PKCS#1 RSAPublicKey: SEQUENCE { INTEGER modulus, INTEGER exponent }."""
    tag, start, end = _element(der, 0)
    if tag != 0x30 or end != len(der):
        raise ValueError("not an RSA public key")
    tag, n_start, n_end = _element(der, start)
    tag_e, e_start, e_end = _element(der, n_end)
    if tag != 0x02 or tag_e != 0x02 or e_end != end:
        raise ValueError("not an RSA public key")
    modulus = int.from_bytes(der[n_start:n_end], "big")
    exponent = int.from_bytes(der[e_start:e_end], "big")
    if modulus < 2 or exponent < 3:
        raise ValueError("not an RSA public key")
    return RsaPublicKey(modulus, exponent)


def decode_public_key(der: bytes) -> RsaPublicKey:
    """The RSA key in a SubjectPublicKeyInfo or a bare RSAPublicKey; ``ValueError`` otherwise."""
    tag, start, end = _element(der, 0)
    if tag != 0x30 or end != len(der):
        raise ValueError("not DER")
    inner, algorithm_start, algorithm_end = _element(der, start)
    if inner == 0x02:  # the bare PKCS#1 form
        return _rsa_public_key(der)
    if inner != 0x30 or _RSA_OID not in der[algorithm_start:algorithm_end]:
        raise ValueError("not an RSA key")
    tag, bits_start, bits_end = _element(der, algorithm_end)
    if tag != 0x03 or bits_end != end or der[bits_start] != 0:
        raise ValueError("no key bits")
    return _rsa_public_key(der[bits_start + 1 : bits_end])


def key_name(selector: str, domain: str) -> str:
    return f"{selector}._domainkey.{domain}"


def not_configured(from_domain: str) -> Check:
    keygen = f"mailer dkim keygen --selector mail --domain {from_domain}"
    return Check(
        "dkim.key",
        FAIL,
        "DKIM is not configured (dkim.selector, dkim.domain, dkim.private_key_file): receivers "
        "see unsigned mail, and DMARC can pass only through SPF",
        f"run `{keygen}`, publish the TXT record it prints, then set the three dkim.* settings "
        "it prints",
    )


def unusable_key(detail: str) -> Check:
    return Check(
        "dkim.key",
        FAIL,
        detail,
        "point dkim.private_key_file at the PEM file `mailer dkim keygen` wrote "
        "(readable by mailer only)",
    )


def key_check(
    *, selector: str, domain: str, answer: Answer, ours: RsaPublicKey, our_record: str
) -> Check:
    """Is the key at ``<selector>._domainkey.<domain>`` the public half of ours?"""
    name = key_name(selector, domain)
    publish = f"publish {txt_record(name, our_record)}"
    if answer.failed:
        return unanswered("dkim.key", f"TXT {name}", answer)
    records = [r for r in answer.records if "p=" in r or r.lstrip().startswith("v=DKIM1")]
    if not records:
        return Check("dkim.key", FAIL, f"no DKIM key is published at {name}", publish)
    if len(records) > 1:
        detail = f"{len(records)} DKIM records at {name}; receivers may pick any of them"
        return Check("dkim.key", FAIL, detail, f"keep only one: {publish}")
    try:
        tags = tag_list(records[0])
    except ValueError as exc:
        return Check("dkim.key", FAIL, f"the record at {name} is malformed: {exc}", publish)
    if "v" in tags and (tags["v"] != "DKIM1" or not records[0].lstrip().startswith("v=")):
        detail = f"the record at {name} is malformed: v= must come first and be DKIM1"
        return Check("dkim.key", FAIL, detail, publish)
    if tags.get("k", "rsa").lower() != "rsa":
        detail = f"the key at {name} is k={tags['k']}, but dkim.private_key_file is an RSA key"
        return Check("dkim.key", FAIL, detail, publish)
    if "p" not in tags:
        return Check("dkim.key", FAIL, f"the record at {name} has no p= (the key)", publish)
    if not tags["p"]:
        detail = f"the key at {name} is revoked (empty p=): every signature with it fails"
        return Check("dkim.key", FAIL, detail, publish)
    try:
        published = decode_public_key(base64.b64decode(tags["p"], validate=True))
    except (ValueError, binascii.Error):
        detail = f"the record at {name} is malformed: p= is not a base64 RSA public key"
        return Check("dkim.key", FAIL, detail, publish)
    if published != ours:
        detail = (
            f"the {published.bits}-bit key at {name} is another key, not the public half of "
            "dkim.private_key_file: every signature fails"
        )
        return Check("dkim.key", FAIL, detail, f"replace it: {publish}")
    return _strength(name, tags, published, domain)


def _strength(name: str, tags: dict[str, str], key: RsaPublicKey, domain: str) -> Check:
    if key.bits < MIN_BITS:
        keygen = f"mailer dkim keygen --selector NEW --domain {domain} --bits {MIN_BITS}"
        detail = (
            f"{name} holds our key, but it has {key.bits} bits; receivers want {MIN_BITS} "
            "(RFC 8301)"
        )
        return Check("dkim.key", WARN, detail, f"run `{keygen}`, publish it, then switch dkim.*")
    if "y" in tags.get("t", "").split(":"):
        detail = f"{name} holds our key in testing mode (t=y): receivers may ignore it"
        return Check("dkim.key", WARN, detail, f"drop t=y from the record at {name}")
    return Check("dkim.key", PASS, f"{name} publishes our {key.bits}-bit key")


def alignment_check(
    *, dkim_domain: str, dkim_org: str, from_domain: str, from_org: str, strict: bool = False
) -> Check:
    """RFC 7489 3.1.1: relaxed alignment wants one organisational domain; strict, one name."""
    if strict and dkim_domain != from_domain:
        detail = f"d={dkim_domain} is not From's {from_domain}, and DMARC asks adkim=s"
        return Check("dkim.alignment", FAIL, detail, f"set dkim.domain = {from_domain!r}")
    if dkim_org != from_org:
        detail = (
            f"d={dkim_domain} and From's {from_domain} have different organisational domains "
            f"({dkim_org}, {from_org}): DKIM does not count for DMARC"
        )
        return Check(
            "dkim.alignment",
            FAIL,
            detail,
            f"sign as the From domain: set dkim.domain = "
            f"{from_domain!r} and publish its key (`mailer dkim keygen`)",
        )
    detail = f"d={dkim_domain} aligns with From's {from_domain} (organisational domain {from_org})"
    return Check("dkim.alignment", PASS, detail)


def alignment_unsigned() -> Check:
    return Check(
        "dkim.alignment",
        WARN,
        "mail is not DKIM-signed, so nothing aligns (dkim.key)",
        "configure DKIM first (see dkim.key)",
    )
