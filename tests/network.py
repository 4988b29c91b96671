"""Loopback helpers for tests that start servers as processes: a free port, and waiting for a
server to answer (an event, with ``PATIENCE`` only as the safety net)."""

from __future__ import annotations

import socket

import httpx

from tests.waiting import wait_for


def free_port() -> int:
    """A port the OS has just handed out on 127.0.0.1, for a process that cannot take port 0."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_http(url: str, what: str) -> httpx.Response:
    """The first answer of a server coming up at ``url`` (any status)."""
    answers: list[httpx.Response] = []
    # one client for every look: each new one builds an SSL context (about 25 ms of CPU), and
    # twenty looks a second took that from the very server that was starting
    with httpx.Client(timeout=5, trust_env=False) as client:

        def answered() -> bool:
            try:
                answers.append(client.get(url))
            except httpx.TransportError:
                return False
            return True

        wait_for(what, answered)
    return answers[-1]
