"""Ask DNS through dnspython, with a timeout, at ``preflight.nameservers`` or the system's.

Answers come back as plain strings (TXT: one string per record, its character-strings joined;
MX: ``preference host``; names lower-case without the final dot). A name that does not exist
or has no record of the type is an empty answer; a timeout, SERVFAIL, a refusal or no server
at all is a ``DnsError`` naming the server asked.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence

import dns.exception
import dns.nameserver
import dns.rdtypes.ANY.MX
import dns.rdtypes.ANY.TXT
import dns.resolver

from mailer.config import parse_nameserver
from mailer.errors import DnsError

SYSTEM = "the system resolver"


def _nameserver(text: str) -> dns.nameserver.Do53Nameserver:
    parsed = parse_nameserver(text)
    if parsed is None:
        raise DnsError("", "", text, "not host or host:port")
    host, port = parsed
    try:  # a host name is resolved once, by the system (dnspython wants addresses)
        address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0][4][0]
    except OSError as exc:
        raise DnsError("", "", text, f"cannot resolve the name server: {exc}") from None
    return dns.nameserver.Do53Nameserver(str(address), port)


class Resolver:
    """One dnspython resolver, its cache off: preflight wants what DNS says now."""

    def __init__(self, nameservers: Sequence[str], *, timeout: float) -> None:
        self.timeout = timeout
        self._broken = ""
        self._resolver = dns.resolver.Resolver(configure=False)
        if nameservers:
            self.server = ", ".join(nameservers)
            try:
                self._resolver.nameservers = [_nameserver(text) for text in nameservers]
            except DnsError as exc:
                self._broken = exc.reason
                self.server = exc.server
        else:
            try:
                self._resolver.read_resolv_conf("/etc/resolv.conf")
            except (dns.resolver.NoResolverConfiguration, OSError):
                self._broken = "no name server configured (/etc/resolv.conf)"
            listed = ", ".join(str(ns) for ns in self._resolver.nameservers)
            self.server = f"{SYSTEM} ({listed})" if listed else SYSTEM
        self._resolver.timeout = timeout
        self._resolver.lifetime = timeout

    def query(self, name: str, rdtype: str) -> tuple[str, ...]:
        """The records of type ``rdtype`` at ``name``; () when there are none."""
        if self._broken:
            raise DnsError(name, rdtype, self.server, self._broken, unreachable=True)
        try:
            answer = self._resolver.resolve(
                name.rstrip(".") + ".", rdtype, search=False, raise_on_no_answer=False
            )
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return ()
        except dns.resolver.LifetimeTimeout:
            reason = f"no answer within {self.timeout:g} s"
            raise DnsError(name, rdtype, self.server, reason, unreachable=True) from None
        except dns.resolver.NoNameservers as exc:
            reason = f"every server failed ({_first_error(exc)})"
            raise DnsError(name, rdtype, self.server, reason) from None
        except dns.exception.DNSException as exc:
            raise DnsError(name, rdtype, self.server, str(exc) or type(exc).__name__) from None
        except OSError as exc:  # e.g. no route to the server
            reason = exc.strerror or str(exc)
            raise DnsError(name, rdtype, self.server, reason, unreachable=True) from None
        return tuple(_text(rdata) for rdata in answer)


def _first_error(exc: dns.resolver.NoNameservers) -> str:
    errors = exc.kwargs.get("errors") or []
    if errors:
        server, _, port, error, _ = errors[0]
        return f"{server}:{port}: {error}"
    return "SERVFAIL or REFUSED"


def _text(rdata: object) -> str:
    if isinstance(rdata, dns.rdtypes.ANY.TXT.TXT):
        return b"".join(rdata.strings).decode("utf-8", errors="replace")
    if isinstance(rdata, dns.rdtypes.ANY.MX.MX):
        return f"{rdata.preference} {str(rdata.exchange).rstrip('.').lower()}"
    return str(rdata)
