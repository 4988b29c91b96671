"""What a link token's subject names (``mailer.core.owners``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from mailer.core.owners import (
    Named,
    click_subject,
    confirm_link_expired,
    confirm_subject,
    delivery_subject,
    read_click,
    read_confirm,
    read_delivery,
    read_subscriber,
    subscriber_subject,
)


def test_subjects_round_trip_with_the_nonce() -> None:
    assert read_subscriber(subscriber_subject(42, "Ab_-12cd")) == Named(42, "Ab_-12cd")
    assert read_delivery(delivery_subject(7, "0123abcd")) == Named(7, "0123abcd")
    assert read_click(click_subject(7, "l1234567", 3)) == (Named(7, "l1234567"), 3)


def test_subjects_made_before_nonces_have_none() -> None:
    assert read_subscriber("s42") == Named(42, None)
    assert read_delivery("d7") == Named(7, None)
    assert read_click("d7.l3") == (Named(7, None), 3)


def test_anything_else_names_nobody() -> None:
    nobody = [
        "s0",
        "s0.",
        subscriber_subject(0, ""),
        subscriber_subject(5, ""),
        "s05",
        "s²",
        "s٣",
        "s1.short",
        "s1." + "x" * 17,
        "s1.abc defg",
        "d1",
        "x1",
        "",
        None,
    ]
    assert [read_subscriber(subject) for subject in nobody] == [None] * len(nobody)
    assert read_delivery("s1.abcdefgh") is None
    assert read_click("d1.abcdefgh") is None
    assert read_click("d1.abcdefgh.l1234567") is None


def test_a_confirmation_link_says_when_it_was_made_and_lasts_7_days() -> None:
    made = datetime(2026, 12, 1, 9, 30)
    subject = confirm_subject(42, "Ab_-12cd", made)
    assert read_confirm(subject) == (Named(42, "Ab_-12cd"), made)
    assert read_confirm("s42.Ab_-12cd") == (Named(42, "Ab_-12cd"), None)
    assert read_confirm("s42") == (Named(42, None), None)
    assert read_confirm("s42.t1764581400") == (Named(42, "t1764581400"), None)  # a nonce
    assert read_confirm("s42.Ab_-12cd.t1²") is None
    assert read_confirm("s42.Ab_-12cd.t" + "9" * 12) is None
    assert not confirm_link_expired(made, made + timedelta(days=7))
    assert confirm_link_expired(made, made + timedelta(days=7, seconds=1))
