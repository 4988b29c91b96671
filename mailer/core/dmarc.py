"""``dmarc.record`` and ``dmarc.alignment`` (RFC 7489): the From domain's policy, and whether
a message of ours would pass it through aligned DKIM or aligned SPF."""

from __future__ import annotations

from dataclasses import dataclass

from mailer.core.preflight import FAIL, PASS, WARN, Check, Lookup, tag_list, txt_record, unanswered

POLICIES = ("none", "quarantine", "reject")


@dataclass(frozen=True)
class Policy:
    name: str  # where it was found: _dmarc.<domain>
    tags: dict[str, str]

    @property
    def strict_dkim(self) -> bool:
        return self.tags.get("adkim", "r") == "s"

    @property
    def strict_spf(self) -> bool:
        return self.tags.get("aspf", "r") == "s"

    def text(self, **changed: str) -> str:
        tags = {**self.tags, **changed}
        return "; ".join(f"{key}={value}" for key, value in tags.items())


def parse_dmarc(text: str) -> dict[str, str]:
    """The tags of a DMARC record; ``ValueError`` says what is wrong."""
    tags = tag_list(text)
    if next(iter(tags), "") != "v" or tags["v"] != "DMARC1":
        raise ValueError("v=DMARC1 must come first")
    if "p" not in tags:
        raise ValueError("p= (the policy) is missing")
    for key in ("p", "sp"):
        if key in tags and tags[key] not in POLICIES:
            raise ValueError(f"{key}={tags[key]}: expected none, quarantine or reject")
    for key in ("adkim", "aspf"):
        if key in tags and tags[key] not in {"r", "s"}:
            raise ValueError(f"{key}={tags[key]}: expected r or s")
    if "pct" in tags and not (tags["pct"].isdigit() and int(tags["pct"]) <= 100):
        raise ValueError(f"pct={tags['pct']}: expected 0 to 100")
    for key in ("rua", "ruf"):
        for uri in filter(None, tags.get(key, "").split(",")):
            if ":" not in uri:
                raise ValueError(f"{key}: {uri!r} is not a URI (mailto:…)")
    return tags


def starter_record(org_domain: str) -> str:
    return f"v=DMARC1; p=none; rua=mailto:dmarc-reports@{org_domain}"


def record_check(from_domain: str, org_domain: str, lookup: Lookup) -> tuple[Check, Policy | None]:
    """The record at ``_dmarc.<From domain>``, else at the organisational domain (6.6.3)."""
    names = list(dict.fromkeys([f"_dmarc.{from_domain}", f"_dmarc.{org_domain}"]))
    texts: list[str] = []
    name = names[-1]
    for candidate in names:
        answer = lookup(candidate, "TXT")
        if answer.failed:
            return unanswered("dmarc.record", f"TXT {candidate}", answer), None
        texts = [r for r in answer.records if r.replace(" ", "").lower().startswith("v=dmarc1")]
        if texts:
            name = candidate
            break
    starter = txt_record(name, starter_record(org_domain))
    if not texts:
        detail = (
            f"no DMARC record at _dmarc.{org_domain}: receivers apply no policy to forgeries "
            "and send you no reports"
        )
        return Check("dmarc.record", FAIL, detail, f"publish {starter}"), None
    if len(texts) > 1:
        detail = f"{len(texts)} DMARC records at {name}: receivers ignore them all"
        return Check("dmarc.record", FAIL, detail, f"keep only one: {starter}"), None
    try:
        policy = Policy(name, parse_dmarc(texts[0]))
    except ValueError as exc:
        detail = f"the DMARC record at {name} is invalid: {exc}"
        return Check("dmarc.record", FAIL, detail, f"replace it: {starter}"), None
    return _policy_check(policy, org_domain), policy


def _policy_check(policy: Policy, org_domain: str) -> Check:
    p = policy.tags["p"]
    reports = "rua" in policy.tags
    if p == "none":
        rua = {} if reports else {"rua": f"mailto:dmarc-reports@{org_domain}"}
        stricter = txt_record(policy.name, policy.text(p="quarantine", **rua))
        detail = f"{policy.name} says p=none: receivers act on nothing" + (
            "" if reports else " and, without rua=, nobody sends you reports"
        )
        fix = (
            "after a month of aggregate reports showing only your own servers, move to "
            f"quarantine: {stricter}"
        )
        return Check("dmarc.record", WARN, detail, fix)
    detail = f"{policy.name} says p={p}" + ("" if reports else " (no rua=: you get no reports)")
    if policy.tags.get("pct", "100") != "100":
        detail += f", applied to {policy.tags['pct']}% of failing mail"
    return Check("dmarc.record", PASS, detail)


def alignment_check(
    *,
    from_domain: str,
    from_org: str,
    dkim: tuple[str, str] | None,
    bounce: tuple[str, str],
    spf_passes: bool,
    policy: Policy | None,
) -> Check:
    """``dkim`` is (d= domain, its organisational domain) when our signature verifies;
    ``bounce`` the same for the envelope domain, whose SPF passes when ``spf_passes``."""
    strict_dkim = policy is not None and policy.strict_dkim
    strict_spf = policy is not None and policy.strict_spf
    dkim_aligned = dkim is not None and (
        dkim[0] == from_domain if strict_dkim else dkim[1] == from_org
    )
    bounce_aligned = bounce[0] == from_domain if strict_spf else bounce[1] == from_org
    spf_aligned = spf_passes and bounce_aligned
    if dkim_aligned and dkim is not None:
        also = " and SPF" if spf_aligned else ""
        return Check("dmarc.alignment", PASS, f"DMARC passes through DKIM d={dkim[0]}{also}")
    dkim_fix = f"sign as {from_domain} (dkim.domain) with a key that passes dkim.key"
    if spf_aligned:
        detail = (
            f"DMARC passes only through SPF of {bounce[0]}: mail that is forwarded loses it, "
            "and fails"
        )
        return Check("dmarc.alignment", WARN, detail, dkim_fix)
    reasons = ["DKIM " + ("does not verify" if dkim is None else f"d={dkim[0]} is not aligned")]
    if not bounce_aligned:
        reasons.append(f"the bounce domain {bounce[0]} is not under {from_org}")
        spf_fix = f"set bounces.domain to a name under {from_org}, e.g. bounces.{from_org}"
    else:
        reasons.append(f"SPF of {bounce[0]} does not pass (spf.record)")
        spf_fix = "make spf.record pass"
    detail = f"DMARC of {from_domain} would fail: " + "; ".join(reasons)
    return Check("dmarc.alignment", FAIL, detail, f"{dkim_fix}; or {spf_fix}")
