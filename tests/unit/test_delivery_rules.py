"""SMTP replies to delivery actions (DESIGN.md's table), backoff, and the message's headers."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest

from mailer.core.delivery import Action, classify_reply, connection_lost, gives_up, next_attempt
from mailer.core.message import MessageHeaders, build_message, message_id
from mailer.errors import HeaderInjection

NOW = datetime(2026, 12, 1, 9, 0)


@pytest.mark.parametrize(
    ("code", "text", "action", "soft"),
    [
        (250, "2.0.0 Ok: queued", Action.SENT, False),
        (550, "5.1.1 <x@example.org>: Recipient address rejected", Action.BOUNCED, False),
        (550, "No such user", Action.BOUNCED, False),
        (553, "5.1.3 Bad address syntax", Action.BOUNCED, False),
        (550, "5.2.1 Mailbox disabled", Action.BOUNCED, False),
        (554, "5.7.1 Message rejected as spam", Action.FAILED, False),
        (550, "5.7.26 Unauthenticated email is not accepted", Action.FAILED, False),
        (552, "5.2.2 Mailbox full", Action.FAILED, True),
        (552, "Message size exceeds fixed limit", Action.FAILED, True),
        (554, "5.3.4 Message too big", Action.FAILED, True),
        (450, "4.2.1 Mailbox busy", Action.DEFERRED, False),
        (451, "4.7.1 Greylisted, try later", Action.DEFERRED, False),
        (452, "4.5.3 Too many recipients", Action.DEFERRED, False),
        (454, "4.7.0 Throttling", Action.DEFERRED, False),
        (421, "4.7.0 Too many connections, slow down", Action.RELAY_BACKOFF, False),
    ],
)
def test_replies_map_to_the_table(code: int, text: str, action: Action, soft: bool) -> None:
    outcome = classify_reply(code, text)
    assert outcome.action == action
    assert outcome.soft_bounce == soft
    assert outcome.code == code


def test_policy_failures_say_so() -> None:
    assert classify_reply(554, "5.7.1 blocked").reason.startswith("policy: ")
    assert classify_reply(554, "5.7.1 blocked").status == "5.7.1"


def test_lost_connections() -> None:
    assert connection_lost(in_data=False).action == Action.DEFERRED
    assert connection_lost(in_data=True).action == Action.DEFERRED
    assert "may have it" in connection_lost(in_data=True).reason
    assert connection_lost(in_data=False, refused=True).action == Action.RELAY_BACKOFF


def test_backoff_grows_with_jitter_and_gives_up_after_48_hours() -> None:
    rng = random.Random(1)
    waits = [(next_attempt(n, NOW, rng) - NOW).total_seconds() for n in range(1, 7)]
    assert 48 <= waits[0] <= 72
    assert waits[1] > waits[0]
    assert waits[3] > waits[2] > waits[1]
    assert all(w <= 21600 * 1.2 for w in waits)
    assert not gives_up(NOW, NOW + timedelta(hours=47))
    assert gives_up(NOW, NOW + timedelta(hours=48))


def headers(**changes: str) -> MessageHeaders:
    values = {
        "sender": "EECA Platform <news@example.org>",
        "to": "Нино Беридзе <nino@example.org>",
        "subject": "Დეკემბრის დაიჯესტი: ახალი მიდგომები",
        "message_id": message_id("test-secret-key-0123456789abcdef", 42, "news.example.org"),
        "list_unsubscribe_url": "https://news.example.org/u/k1.s1.sig",
        "list_unsubscribe_mailto": "mailto:unsubscribe+k1.d42.sig@bounces.example.org",
        "list_id": "<members.news.example.org>",
        "feedback_id": "2026-12-digest:ka:newsletter:news.example.org",
        "language": "ka",
        **changes,
    }
    return MessageHeaders(date=NOW, **values)  # type: ignore[arg-type]


def test_message_round_trips_through_a_parser() -> None:
    data = build_message(headers(), text="Текст ✓", html="<p>HTML ✓</p>", boundary="=_b1")
    message = message_from_bytes(data, policy=default_policy)
    assert message["Subject"] == "Დეკემბრის დაიჯესტი: ახალი მიდგომები"
    assert message["To"] == "Нино Беридзе <nino@example.org>"
    assert message["Message-ID"] == headers().message_id
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"] == (
        "<https://news.example.org/u/k1.s1.sig>, "
        "<mailto:unsubscribe+k1.d42.sig@bounces.example.org>"
    )
    assert message.get_body(("plain",)).get_content().strip() == "Текст ✓"  # type: ignore[union-attr]
    assert message.get_body(("html",)).get_content().strip() == "<p>HTML ✓</p>"  # type: ignore[union-attr]
    assert data.isascii()
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Hello\r\nBcc: victim@example.org"),
        ("subject", "Hello\nX-Injected: 1"),
        ("to", "Eve\r\n <eve@example.org>"),
        ("sender", "news@example.org\nBcc: x@example.org"),
    ],
)
def test_a_line_break_in_a_header_is_refused(field: str, value: str) -> None:
    with pytest.raises(HeaderInjection):
        build_message(headers(**{field: value}), text="t", html="h", boundary="=_b")


def test_message_ids_are_the_same_per_delivery_and_unguessable() -> None:
    key, other = "test-secret-key-0123456789abcdef", "another-secret-0123456789abcdef"
    first = message_id(key, 42, "news.example.org")
    assert first == message_id(key, 42, "news.example.org")  # a resend carries the same one
    assert re.fullmatch(r"<d42\.[A-Za-z0-9_-]{22}@news\.example\.org>", first)
    tags = {message_id(k, n, "x.example").split(".")[1] for k in (key, other) for n in (41, 42)}
    assert len(tags) == 4  # another delivery or another key: another tag
