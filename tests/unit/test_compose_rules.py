"""Pure rules of composing: language lookup, item selection, tokens, line wrapping, Markdown."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailer.core.campaign_items import Item
from mailer.core.languages import direction, resolve_language, truncations
from mailer.core.selection import select_items
from mailer.core.tokens import key_id_of, keyring, make_token, read_token
from mailer.core.wrap import wrap_html
from mailer.render import markdown

AVAILABLE = ["en", "ru", "ka", "sr"]
FALLBACK = {"sr-Latn": "sr", "be": "ru", "mk": "sr"}


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("ru", "ru"),
        ("RU", "ru"),
        ("sr-Latn-RS", "sr"),  # sr-Latn-RS, then sr-Latn → (fallback) sr
        ("be", "ru"),  # fallback chain
        ("be-BY", "ru"),  # truncation, then its chain
        ("mk", "sr"),
        ("de", "en"),  # nothing fits: the default
        (None, "en"),
        ("ka-GE", "ka"),
    ],
)
def test_language_lookup_with_fallback_chains(tag: str | None, expected: str) -> None:
    assert resolve_language(tag, AVAILABLE, fallback=FALLBACK, default="en") == expected


def test_fallback_cycles_end_at_the_default() -> None:
    assert resolve_language("a", ["en"], fallback={"a": "b", "b": "a"}, default="en") == "en"


def test_truncations_follow_rfc4647() -> None:
    assert truncations("sr-Latn-RS") == ["sr-Latn-RS", "sr-Latn", "sr"]
    assert truncations("zh-Hant-CN-x-private") == [
        "zh-Hant-CN-x-private",
        "zh-Hant-CN",
        "zh-Hant",
        "zh",
    ]


def test_direction() -> None:
    assert direction("ar") == "rtl"
    assert direction("he-IL") == "rtl"
    assert direction("ka") == "ltr"


def item(
    item_id: str, countries: set[str] = frozenset(), interests: set[str] = frozenset()
) -> Item:  # type: ignore[assignment]
    return Item(
        item_id, "https://example.org", None, frozenset(countries), frozenset(interests), {}
    )


ITEMS = [
    item("ge-only", {"GE"}),
    item("fatherhood", interests={"fatherhood"}),
    item("general-1"),
    item("research", interests={"research"}),
    item("rs-youth", {"RS"}, {"youth engagement"}),
    item("general-2"),
]


def test_interest_matches_first_then_general_items() -> None:
    chosen = select_items(ITEMS, country="GE", interests=frozenset({"research"}), min_items=0)
    assert chosen == ("research", "ge-only", "general-1", "general-2")


def test_items_for_other_countries_never_shown() -> None:
    chosen = select_items(ITEMS, country="AZ", interests=frozenset(), min_items=10)
    assert "ge-only" not in chosen
    assert "rs-youth" not in chosen


def test_too_few_matches_fill_up_with_other_interests() -> None:
    chosen = select_items(ITEMS, country="AZ", interests=frozenset(), min_items=3)
    assert chosen == ("general-1", "general-2", "fatherhood")


def test_country_and_interest_both_needed() -> None:
    assert "rs-youth" in select_items(
        ITEMS, country="RS", interests=frozenset({"youth engagement"}), min_items=0
    )
    assert "rs-youth" not in select_items(ITEMS, country="RS", interests=frozenset(), min_items=0)


def test_tokens_are_bound_to_purpose_and_key() -> None:
    token = make_token("key-1", "unsubscribe", "s42")
    keys = keyring("key-1")
    assert read_token(keys, "unsubscribe", token) == "s42"
    assert read_token(keys, "preferences", token) is None
    assert read_token(keyring("other"), "unsubscribe", token) is None
    assert read_token(keys, "unsubscribe", token.replace("s42", "s43")) is None
    assert read_token(keys, "unsubscribe", "garbage") is None


def test_rotating_the_key_keeps_old_links_working_and_signs_with_the_new_one() -> None:
    before = make_token("old-key", "unsubscribe", "s42")
    legacy = make_token("old-key", "unsubscribe", "s42", key_id="k1")  # tokens before ids
    rotated = keyring("new-key", ["old-key"])
    assert read_token(rotated, "unsubscribe", before) == "s42"
    after = make_token("new-key", "unsubscribe", "s42")
    assert after.split(".")[0] == key_id_of("new-key") != before.split(".")[0]
    assert read_token(rotated, "unsubscribe", after) == "s42"
    assert read_token(keyring("new-key"), "unsubscribe", before) is None  # old key dropped
    assert read_token(keyring("old-key"), "unsubscribe", legacy) == "s42"
    # a token naming the new key's id but signed with the old key does not verify
    forged = f"{key_id_of('new-key')}.{before.split('.', 1)[1]}"
    assert read_token(rotated, "unsubscribe", forged) is None


@given(st.text(alphabet="<>ab /=\"'", min_size=0, max_size=3000))
def test_wrapped_html_has_short_lines_and_same_text(html: str) -> None:
    wrapped = wrap_html(html, limit=100)
    assert wrapped.replace("\n", "").replace(" ", "") == html.replace("\n", "").replace(" ", "")


def test_wrapping_a_real_inlined_line() -> None:
    html = "<table>" + '<tr><td style="padding:0 10px">Text with words</td></tr>' * 400 + "</table>"
    wrapped = wrap_html(html)
    assert max(len(line) for line in wrapped.split("\n")) <= 800
    assert wrapped.replace("\n", "") == html


def test_wrapping_counts_bytes_not_characters() -> None:
    """SMTP's 998 is bytes: a Georgian line of 800 characters is 2,400 of them."""
    html = "<table>" + "<tr><td>ქართული ენა და ტექსტი</td></tr>" * 200 + "</table>"
    wrapped = wrap_html(html)
    assert max(len(line.encode()) for line in wrapped.split("\n")) <= 800
    assert wrapped.replace("\n", "") == html


def test_markdown_has_no_raw_html_and_no_script_links() -> None:
    html = markdown.to_html(
        "Hi <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.org)"
    )
    assert "<script>" not in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.org">ok</a>' in html
    assert markdown.links("[a](ftp://x) [b](https://y)") == ["ftp://x", "https://y"]


def test_markdown_to_text_keeps_links() -> None:
    text = markdown.to_text("Read *this* [guide](https://example.org/g).\n\nSecond paragraph.")
    assert text == "Read this guide (https://example.org/g).\n\nSecond paragraph."


@pytest.mark.parametrize("key", ["short", "k" * 64, "ключ-" * 30, "x" * 200])
def test_token_signatures_are_hmac_sha256_for_keys_of_any_length(key: str) -> None:
    token = make_token(key, "click", "d7.l2")
    key_id, subject, signature = token.split(".", 1)[0], "d7.l2", token.rsplit(".", 1)[1]
    expected = hmac.new(key.encode(), f"click\x00{key_id}\x00{subject}".encode(), hashlib.sha256)
    assert signature == base64.urlsafe_b64encode(expected.digest()[:16]).rstrip(b"=").decode()
