"""Outside text never stalls the process: bounce classification and webhook fields grow linearly.

Regular expressions hold the GIL: one returned message that makes a pattern backtrack over
every start position (a 100 KB word run took 16 s) stops every page and every worker in the
process. Each shape here is measured at 10 KB and at 200 KB; linear code takes about 20 times
as long for 20 times the text, quadratic code 400 times. The test compares CPU time (this
process's, best of three), which other work on the machine does not stretch the way it does
wall-clock time: 200 KB may take at most 40 times the 10 KB time (5 ms at least). How long the
worst shapes take is a figure of benchmarks/bounce_corpus.py, not an assertion here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import pytest

from mailer.bounces.webhooks import WebhookPayloadError
from mailer.bounces.webhooks.events import recipient
from mailer.core.bounces import Kind, classify

SMALL, LARGE = 10_000, 200_000
HEAD = (
    "From: MAILER-DAEMON@mx.example.net\r\nTo: bounces@example.org\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
)


def plain(body: str, content_type: str = "text/plain") -> bytes:
    return f"{HEAD}Content-Type: {content_type}\r\n\r\n{body}".encode()


def dsn(field: str) -> bytes:
    """A DSN whose recipient and diagnostic are ``field``."""
    return (
        f'{HEAD}Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n'
        "\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        f"Final-Recipient: rfc822; {field}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; 550 {field}\r\n\r\n--b--\r\n"
    ).encode()


def header(name: str, value: str) -> bytes:
    return f"{HEAD}{name}: {value}\r\n\r\nUser unknown: a@example.net\r\n".encode()


def sized(unit: str, size: int) -> str:
    return unit * (size // len(unit))


SHAPES: dict[str, Callable[[int], bytes]] = {
    "a word run": lambda n: plain(sized("a", n)),
    "a run of digits after a cue": lambda n: plain("delivery failed " + sized("1", n)),
    "a run of dashes": lambda n: plain(sized("-", n)),
    "dotted words": lambda n: plain(sized("a.", n)),
    "quotes": lambda n: plain(sized("'", n)),
    "long words": lambda n: plain(sized("x" * 5000 + " ", n)),
    "thousands of < in HTML": lambda n: plain(sized("<", n), "text/html"),
    "unclosed tags in HTML": lambda n: plain(sized("<a", n), "text/html"),
    "a word run in HTML": lambda n: plain(sized("a", n), "text/html"),
    "a DSN recipient run": lambda n: dsn(sized("a", n // 2)),
    "a DSN recipient of colons": lambda n: dsn(sized(":", n // 2)),
    "a DSN recipient of backslashes": lambda n: dsn(sized("\\", n // 2)),
    "comments in X-Failed-Recipients": lambda n: header("X-Failed-Recipients", sized("(", n)),
    "groups in X-Failed-Recipients": lambda n: header("X-Failed-Recipients", sized(":", n)),
    "nested comments in From": lambda n: header("From", sized("(", n)),
    "at signs in To": lambda n: header("To", sized("@", n)),
}


@pytest.fixture(autouse=True)
def quiet_flufl() -> Iterator[None]:
    """flufl.bounce logs every exception its detectors raise, with a traceback."""
    logger = logging.getLogger("flufl.bounce")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def best_of_three(work: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def assert_linear(work: Callable[[int], object]) -> None:
    small = best_of_three(lambda: work(SMALL))
    large = best_of_three(lambda: work(LARGE))
    assert large <= 40 * max(small, 0.005), (
        f"{LARGE} bytes took {large:.3f} s of CPU, {large / max(small, 1e-9):.0f} times {SMALL} "
        f"bytes ({small:.4f} s)"
    )


@pytest.mark.parametrize("shape", SHAPES)
def test_a_hostile_returned_message_is_classified_in_linear_time(shape: str) -> None:
    make = SHAPES[shape]
    assert classify(make(SMALL)).kind in set(Kind)  # it answers, and does not raise
    assert_linear(lambda size: classify(make(size)))


@pytest.mark.parametrize("unit", ["(", ":", "<", "@", "a@b ", '"'])
def test_a_hostile_webhook_recipient_is_refused_quickly(unit: str) -> None:
    def parse(size: int) -> None:
        with pytest.raises(WebhookPayloadError):
            recipient("ses", sized(unit, size), "recipient 1")

    assert_linear(parse)
