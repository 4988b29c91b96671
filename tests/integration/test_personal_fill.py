"""Filling personal fields straight into an 8-bit body gives the bytes the long way gives
(render, then UTF-8 with CRLF line ends), or declines when only the long way is right; and
render puts each value in its holes, escaped in HTML only."""

from __future__ import annotations

import functools
import tempfile
from datetime import datetime
from pathlib import Path

from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from mailer.app import App
from mailer.campaigns import source
from mailer.config import load_settings
from mailer.core.message import eight_bit_body
from mailer.core.subscribers import Recipient
from mailer.core.times import epoch_seconds
from mailer.render.compose import Composer
from mailer.render.outgoing import Letter, Masthead, MessageBuilder, Stream
from mailer.render.personal import PersonalTemplate, Placeholders
from mailer.smtp.dkim import _relaxed_body as relaxed_body
from mailer.smtp.dkim import create_key_file
from mailer.smtp.wire import data_bytes
from tests.conftest import REPO, TEST_SECRET

THEN = datetime(2026, 12, 1, 9, 0)

HOLES = Placeholders("abc123")
PIECES = st.sampled_from(
    ["<p>", "</p>\n", "\r\n", "\n", ".", "\n.", "Грузия ", "&amp;", " ", "x" * 400, "a\rb"]
)
FIELDS = st.sampled_from(["name", "greeting", "unsubscribe_url"])
VALUES = st.lists(
    st.sampled_from(["a", " ", "<", "&", "\n", "\r", ".", "ქ", '"', "y" * 300]), max_size=6
).map("".join)


@st.composite
def templates(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(st.lists(PIECES, max_size=5), FIELDS), max_size=5))
    text = "".join("".join(literal) + HOLES.hole(field) for literal, field in parts)
    return text + "".join(draw(st.lists(PIECES, max_size=5)))


# a finished body with holes, the values of its fields, and whether it is the HTML part
BODIES = given(
    templates(),
    st.fixed_dictionaries({f: VALUES for f in ["name", "greeting", "unsubscribe_url"]}),
    st.booleans(),
)


@BODIES
def test_fill_gives_the_bytes_of_the_long_way(
    finished: str, values: dict[str, str], html: bool
) -> None:
    template = PersonalTemplate(finished, HOLES, html=html)
    filled = template.fill(values)
    long_way = eight_bit_body(template.render(values))
    if filled is not None:
        assert filled.data == long_way
        assert filled.wire == PERIOD_REGEX.sub(b"..", filled.data)
    elif "\n" not in "".join(values.values()) and "\r" not in "".join(values.values()):
        # declined without a line break in a value: a line too long, or a bare CR in the text
        assert long_way is None or "\r" in finished


@BODIES
def test_render_puts_each_value_in_its_holes_escaped_in_html_only(
    finished: str, values: dict[str, str], html: bool
) -> None:
    rendered = PersonalTemplate(finished, HOLES, html=html).render(values)
    expected = HOLES.pattern.sub(
        lambda hole: str(escape(values[hole[1]])) if html else values[hole[1]], finished
    )
    assert rendered == expected


def test_a_name_is_escaped_in_the_html_part_and_kept_in_the_text() -> None:
    finished = f"<p>{HOLES.hole('greeting')}</p>"
    values = {"greeting": 'Dear <b>"Ana" & Co</b>,'}
    assert PersonalTemplate(finished, HOLES, html=True).render(values) == (
        "<p>Dear &lt;b&gt;&#34;Ana&#34; &amp; Co&lt;/b&gt;,</p>"
    )
    assert PersonalTemplate(finished, HOLES, html=False).render(values) == (
        '<p>Dear <b>"Ana" & Co</b>,</p>'
    )


def test_the_filled_body_is_stuffed_like_aiosmtplib_stuffs_it() -> None:
    template = PersonalTemplate(
        f".a\n{HOLES.hole('name')}\n.b{HOLES.hole('greeting')}\n", HOLES, html=False
    )
    for name, greeting in [(".x", ""), ("", ".y"), ("z", "."), ("", "")]:
        filled = template.fill({"name": name, "greeting": greeting})
        assert filled is not None
        assert filled.wire == PERIOD_REGEX.sub(b"..", filled.data)


SAMPLE = REPO / "campaigns" / "2026-12-digest"
NAMES = st.lists(
    st.sampled_from([".", "..", "Ana", " ", "Грузия", "ქ", "<&>", '"', "\\"]), max_size=5
)


@given(NAMES.map("".join), st.booleans())
def test_a_built_newsletter_carries_the_wire_bytes_aiosmtplib_would_send(
    name: str, signed: bool
) -> None:
    """Built.wire (made once per variant, stuffed per recipient) equals aiosmtplib's DATA."""
    built = _builder(signed).build(_letter(name), eight_bit=True)
    assert built.wire is not None
    assert (
        built.wire == PERIOD_REGEX.sub(b"..", normalize_message_line_endings(built.data)) + b".\r\n"
    )
    assert built.wire == data_bytes(built.data)
    if signed:  # the signature made from the body's relaxed pieces is the one of the whole body
        signer = _app(True).dkim_signer()
        assert signer is not None
        unsigned = _builder(False).build(_letter(name), eight_bit=True).data
        assert built.data == signer.sign(unsigned, timestamp=epoch_seconds(THEN))


@given(st.lists(st.sampled_from(["a", " ", "\t", "  ", "ქ", "", "."]), max_size=4).map("".join))
def test_relaxed_pieces_are_the_relaxed_body(name: str) -> None:
    """Joined relaxed pieces equal the relaxed form of the whole body, or the joiner gave up."""
    letter = _letter(name)
    filled = letter.variant.fill(letter.values)
    assert filled is not None
    for part in (filled.text, filled.html):
        if part.relaxed is not None:
            # in a message a part is followed by more (no trailing empty lines are dropped)
            assert b"".join(part.relaxed) + b"--x--\r\n" == relaxed_body(part.data + b"\r\n--x--")
    if name == name.strip() and "\t" not in name and "  " not in name:
        assert filled.text.relaxed is not None  # an ordinary name keeps the fast way


@functools.cache
def _app(signed: bool) -> App:
    environ = {
        "MAILER_DATABASE__URL": "sqlite://",
        "MAILER_SECRETS__KEY": TEST_SECRET,
        "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
    }
    if signed:
        key = Path(tempfile.mkdtemp()) / "dkim.pem"
        create_key_file(key)
        environ |= {
            "MAILER_DKIM__SELECTOR": "s1",
            "MAILER_DKIM__DOMAIN": "example.org",
            "MAILER_DKIM__PRIVATE_KEY_FILE": str(key),
        }
    return App(load_settings(environ=environ))


def _builder(signed: bool) -> MessageBuilder:
    return _app(signed).message_builder


@functools.cache
def _composer() -> Composer:
    return _app(False).composer(source.load_valid(SAMPLE))


def _letter(name: str) -> Letter:
    composer = _composer()
    person = Recipient(3, "m@example.org", name, "GE", "ka", frozenset(), "nonce")
    variant = composer.variant(composer.variant_key(person))
    values = composer.personal_values(variant, person, 3)
    masthead = Masthead.of(composer.campaign, "news@example.org")
    return Letter(Stream.NEWSLETTER, masthead, person, variant, THEN, values, delivery_id=3)
