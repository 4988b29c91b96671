"""Preflight: before an issue goes out, ask DNS whether receivers will trust it, and say what
to publish. ``mailer preflight``, the staff UI's panel and the gate of send and scheduling use
``Preflight.run``; the rules are in ``mailer.core`` (``dkim_keys``, ``spf_check``, ``dmarc``,
``preflight_message``), DNS is ``mailer.dns``.

A report is kept ``preflight.cache_seconds`` per issue (and its text), so a page view does not
ask DNS every time. A name server that does not answer is asked once per run: the checks that
needed it are warnings naming it, never errors, so a network without DNS cannot stop a send.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mailer.campaigns import source
from mailer.campaigns.preflight_message import message_checks
from mailer.config import Settings
from mailer.core import dkim_keys, dmarc
from mailer.core.campaigns import Campaign
from mailer.core.issue_text import IssueText
from mailer.core.preflight import FAIL, PASS, WARN, Answer, Check, Report, is_reserved
from mailer.core.preflight_message import bounce_mx_check, from_check
from mailer.core.spf_check import spf_check
from mailer.db import Database
from mailer.dns.psl import organisational_domain
from mailer.errors import ConfigError, DnsError
from mailer.render.compose import Composer
from mailer.render.outgoing import MessageBuilder
from mailer.smtp.dkim import DkimSigner

if TYPE_CHECKING:
    from mailer.dns.resolver import Resolver


class _Asker:
    """The rules' ``Lookup`` over the DNS adapter: a ``DnsError`` becomes a failed answer, and
    a server that did not answer is not waited for again in this run."""

    def __init__(self, resolver: Resolver, *, test_zone: bool) -> None:
        self.resolver = resolver
        self.test_zone = test_zone
        self.down = ""

    def __call__(self, name: str, rdtype: str) -> Answer:
        if not self.test_zone and is_reserved(name):
            return Answer(failure=_reserved_note(name), reserved=True)
        if self.down:
            return Answer(failure=self.down)
        try:
            return Answer(self.resolver.query(name, rdtype))
        except DnsError as exc:
            failure = f"{exc.reason} from {exc.server}"
            if exc.unreachable:
                self.down = failure
            return Answer(failure=failure)


def _reserved_note(name: str) -> str:
    return f"{name} is under a reserved example domain (RFC 2606), which no public DNS holds"


def domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2].lower().rstrip(".")


class Preflight:
    def __init__(
        self,
        settings: Settings,
        *,
        database: Database,
        make_composer: Callable[[Campaign], Composer],
        builder: MessageBuilder,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.database = database
        self.make_composer = make_composer
        self.builder = builder
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[datetime, Report]] = {}
        self._lock = threading.Lock()

    def sender_of(self, campaign: Campaign | None) -> str:
        return (campaign.sender if campaign else None) or self.settings.sender.from_

    def gate_applies(self, sender: str) -> bool:
        """Whether send and scheduling must pass (``preflight.gate``; ``auto``: unless the From
        or bounce domain is a reserved example domain, as in the demo)."""
        gate = self.settings.preflight.gate
        if gate != "auto":
            return gate == "on"
        return not (is_reserved(domain_of(sender)) or is_reserved(self.settings.bounces.domain))

    def gate(self, issue: IssueText | Path) -> Report | None:
        """The report send and scheduling of ``issue`` must pass; None when the gate is off."""
        found = _issue(issue)
        if not self.gate_applies(self.sender_of(found.campaign if found else None)):
            return None
        return self.run(found or issue)

    def run(
        self,
        issue: IssueText | Path | None = None,
        *,
        fresh: bool = False,
        composer: Composer | None = None,
    ) -> Report:
        """Every check; with ``issue`` (a stored revision, or a folder the staff pages read),
        its ``message.*`` checks too (composed by ``composer`` when the caller has one with its
        variants compiled already)."""
        found = _issue(issue)
        name = str(issue) if isinstance(issue, Path) else (found.slug if found else "")
        key = (name, found.hash if found else "")
        now = self.clock()
        with self._lock:
            kept = self._cache.get(key)
        if kept is not None and kept[0] > now and not fresh:
            return kept[1]
        report = self._run(issue, found, now, composer)
        expires = now + timedelta(seconds=self.settings.preflight.cache_seconds)
        with self._lock:
            self._cache[key] = (expires, report)
        return report

    def _run(
        self,
        issue: IssueText | Path | None,
        found: IssueText | None,
        now: datetime,
        composer: Composer | None,
    ) -> Report:
        settings = self.settings
        campaign = found.campaign if found else None
        sender = self.sender_of(campaign)
        from_domain = domain_of(sender)
        from_org = organisational_domain(from_domain)
        preflight = settings.preflight
        # dnspython is imported by the preflight alone: most commands never ask the DNS
        from mailer.dns.resolver import Resolver

        ask = _Asker(
            Resolver(preflight.nameservers, timeout=preflight.timeout),
            test_zone=bool(preflight.nameservers),
        )
        key_check, signer = self._dkim_key(ask, from_domain)
        spf = spf_check(
            settings.bounces.domain,
            ask,
            sending_ips=preflight.sending_ips,
            relay_host=settings.smtp.relay_list()[0][0],
        )
        record, policy = dmarc.record_check(from_domain, from_org, ask)
        checks = [key_check, self._dkim_alignment(key_check, from_domain, from_org, policy)]
        checks += [spf, record, self._dmarc_alignment(key_check, spf, from_domain, policy)]
        checks.append(bounce_mx_check(settings.bounces.domain, ask, receiver_host=self._mx_host()))
        if issue is None:
            checks.append(from_check(sender))
        else:
            checks += message_checks(
                found,
                composer or (self.make_composer(campaign) if campaign else None),
                campaign=campaign,
                sender=sender,
                builder=self.builder,
                signer=signer,
                now=now,
            )
        return Report(tuple(checks), checked_at=now)

    def _dkim_key(self, ask: _Asker, from_domain: str) -> tuple[Check, DkimSigner | None]:
        dkim = self.settings.dkim.key
        if dkim is None:
            return dkim_keys.not_configured(from_domain), None
        try:
            signer = DkimSigner.from_file(dkim.domain, dkim.selector, dkim.private_key_file)
        except ConfigError as exc:
            return dkim_keys.unusable_key(f"dkim.private_key_file: {exc}"), None
        modulus, exponent = signer.public_numbers()
        answer = ask(dkim_keys.key_name(dkim.selector, dkim.domain), "TXT")
        check = dkim_keys.key_check(
            selector=dkim.selector,
            domain=dkim.domain,
            answer=answer,
            ours=dkim_keys.RsaPublicKey(modulus, exponent),
            our_record=signer.public_record(),
        )
        return check, signer

    def _dkim_alignment(
        self, key_check: Check, from_domain: str, from_org: str, policy: dmarc.Policy | None
    ) -> Check:
        dkim = self.settings.dkim.key
        if dkim is None:
            return dkim_keys.alignment_unsigned()
        return dkim_keys.alignment_check(
            dkim_domain=dkim.domain.lower(),
            dkim_org=organisational_domain(dkim.domain),
            from_domain=from_domain,
            from_org=from_org,
            strict=policy is not None and policy.strict_dkim,
        )

    def _dmarc_alignment(
        self, key_check: Check, spf: Check, from_domain: str, policy: dmarc.Policy | None
    ) -> Check:
        dkim, bounces = self.settings.dkim.key, self.settings.bounces.domain.lower()
        verifying = dkim if key_check.status != FAIL else None
        check = dmarc.alignment_check(
            from_domain=from_domain,
            from_org=organisational_domain(from_domain),
            dkim=(verifying.domain.lower(), organisational_domain(verifying.domain))
            if verifying is not None
            else None,
            bounce=(bounces, organisational_domain(bounces)),
            spf_passes=spf.status != FAIL,
            policy=policy,
        )
        if check.status == PASS and key_check.unanswered:
            detail = f"{check.detail}, if the key is published: DNS did not answer (dkim.key)"
            return Check(check.name, WARN, detail, key_check.fix, unanswered=True)
        if check.status == WARN and spf.unanswered:  # "only through SPF", which DNS did not show
            detail = f"DMARC could pass only through SPF of {bounces}, which DNS did not confirm"
            return Check(check.name, WARN, detail, check.fix, unanswered=True)
        return check

    def _mx_host(self) -> str:
        """Where the bounce receiver probably runs: the web app's host, unless it is local."""
        host = urlsplit(self.settings.web.base_url).hostname or ""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if host and host != "localhost" and "." in host:
                return host
        return f"mail.{organisational_domain(self.settings.bounces.domain)}"


def _issue(issue: IssueText | Path | None) -> IssueText | None:
    """A stored revision as it is; a folder read from disk (None when it does not read)."""
    if isinstance(issue, Path):
        return source.read(issue)[0]
    return issue
