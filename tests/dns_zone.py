"""A real DNS server on loopback for the preflight tests: dnslib's server on 127.0.0.1, UDP
and TCP on one port chosen by the system, answering from a zone the test edits as it goes.

UDP answers over 512 bytes are truncated (TC), so a long DKIM key comes back over TCP as it
would from a server without EDNS. ``silent_server`` is a port that never answers.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from dnslib import AAAA, MX, QTYPE, RCODE, RR, TXT, A, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

from mailer.smtp.dkim import DkimSigner

SENDING_IP = "192.0.2.10"


@dataclass
class Zone:
    """(name, type) → records, as ``mailer.dns`` returns them (TXT joined, MX "pref host")."""

    records: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def set(self, name: str, rdtype: str, *values: str) -> None:
        self.records[(name.lower(), rdtype)] = list(values)

    def drop(self, name: str, rdtype: str) -> None:
        self.records.pop((name.lower(), rdtype), None)

    def get(self, name: str, rdtype: str) -> list[str]:
        return self.records.get((name.lower(), rdtype), [])


def good_zone(signer: DkimSigner, *, domain: str = "example.org") -> Zone:
    """What a correct setup publishes for From news@<domain>, bounces at bounces.<domain>."""
    zone = Zone()
    zone.set(f"{signer.selector}._domainkey.{signer.domain}", "TXT", signer.public_record())
    zone.set(f"bounces.{domain}", "TXT", f"v=spf1 ip4:{SENDING_IP} -all")
    zone.set(f"bounces.{domain}", "MX", f"10 mail.{domain}")
    zone.set(f"_dmarc.{domain}", "TXT", f"v=DMARC1; p=quarantine; rua=mailto:dmarc@{domain}")
    zone.set(f"mail.{domain}", "A", SENDING_IP)
    return zone


def _rdata(rdtype: str, value: str) -> object:
    if rdtype == "TXT":
        data = value.encode()
        return TXT([data[i : i + 255] for i in range(0, len(data), 255)] or [b""])
    if rdtype == "MX":
        preference, host = value.split()
        return MX(host, int(preference))
    return A(value) if rdtype == "A" else AAAA(value)


class _ZoneResolver(BaseResolver):  # type: ignore[misc]
    def __init__(self, zone: Zone) -> None:
        self.zone = zone
        self.questions: list[tuple[str, str]] = []

    def resolve(self, request: object, handler: object) -> object:
        reply = request.reply()  # type: ignore[attr-defined]
        name = str(request.q.qname).rstrip(".").lower()  # type: ignore[attr-defined]
        rdtype = QTYPE[request.q.qtype]  # type: ignore[attr-defined]
        self.questions.append((name, rdtype))
        if not any(known == name for known, _ in self.zone.records):
            reply.header.rcode = RCODE.NXDOMAIN
        for value in self.zone.get(name, rdtype):
            reply.add_answer(RR(name, getattr(QTYPE, rdtype), rdata=_rdata(rdtype, value), ttl=60))
        return reply


class _Handler(DNSHandler):  # type: ignore[misc]
    udplen = 512  # no EDNS: longer answers are truncated and asked again over TCP


@dataclass
class ZoneServer:
    zone: Zone
    address: str  # "127.0.0.1:port", for preflight.nameservers
    resolver: _ZoneResolver

    @property
    def questions(self) -> list[tuple[str, str]]:
        return self.resolver.questions


@contextmanager
def zone_server(zone: Zone) -> Iterator[ZoneServer]:
    resolver = _ZoneResolver(zone)
    quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    for _ in range(50):  # bounded: the system's UDP port may be taken for TCP
        udp = DNSServer(resolver, address="127.0.0.1", port=0, logger=quiet, handler=_Handler)
        port = udp.server.server_address[1]
        try:
            tcp = DNSServer(
                resolver, address="127.0.0.1", port=port, tcp=True, logger=quiet, handler=_Handler
            )
        except OSError:
            udp.server.server_close()
            continue
        break
    else:
        raise AssertionError("no loopback port free for both UDP and TCP")
    threads = [
        # dnslib's start_thread polls for shutdown every 0.5 s; 0.02 ends each test sooner
        threading.Thread(target=server.server.serve_forever, args=(0.02,), daemon=True)
        for server in (udp, tcp)
    ]
    for thread in threads:
        thread.start()
    try:
        yield ZoneServer(zone, f"127.0.0.1:{port}", resolver)
    finally:
        for server in (udp, tcp):
            server.server.shutdown()
            server.server.server_close()


@contextmanager
def silent_server() -> Iterator[SilentServer]:
    """A UDP port that receives and never answers: every question times out. It records the
    questions it was asked (name and type), so a test can count them."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.05)
        silent = SilentServer(f"127.0.0.1:{sock.getsockname()[1]}")
        stop = threading.Event()

        def listen() -> None:
            while not stop.is_set():
                try:
                    packet = sock.recv(4096)
                except TimeoutError:
                    continue
                question = DNSRecord.parse(packet).q
                silent.questions.append((str(question.qname), QTYPE[question.qtype]))

        thread = threading.Thread(target=listen, daemon=True)
        thread.start()
        try:
            yield silent
        finally:
            stop.set()
            thread.join()


@dataclass
class SilentServer:
    address: str
    questions: list[tuple[str, str]] = field(default_factory=list)
