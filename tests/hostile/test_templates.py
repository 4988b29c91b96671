"""Hostile staff templates and subjects: refused with an error naming the template, fast.

Already proven elsewhere (see docs/hostile-inputs.md): the classic sandbox escapes and an
``attr('__class__')`` chain, ``mj-include`` in a template's source, unknown fields
(tests/integration/test_template_safety.py); a line break in a campaign subject
(tests/unit/test_campaign_source.py::test_subject_rules) and in any header
(tests/unit/test_delivery_rules.py::test_a_line_break_in_a_header_is_refused).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest

from mailer.app import App
from mailer.config import Settings
from mailer.core.message import build_message, campaign_headers, message_id
from mailer.errors import ConfigError, TemplateError
from mailer.render.compile import compile_system_message, render_layout
from mailer.render.templates import TemplateSet
from tests.conftest import REPO, TEST_SECRET, settings_for
from tests.integration.test_templates import ORG, VALUES
from tests.unit.test_campaign_source import problems, sample
from tests.waiting import PATIENCE

MJML = (
    "<mjml><mj-body><mj-section><mj-column><mj-text>{body}</mj-text>"
    "</mj-column></mj-section></mj-body></mjml>"
)
# Only a safety net: the caps below are counts (loop steps, calls, characters), which stop each
# template in well under a second on a quiet machine; the wall-clock cap has a test of its own.
SECONDS = PATIENCE


def layout(tmp_path: Path, body: str, text: str = "plain") -> TemplateSet:
    (tmp_path / "t.mjml.j2").write_text(MJML.replace("{body}", body))
    (tmp_path / "t.txt.j2").write_text(text)
    return TemplateSet(tmp_path, max_seconds=PATIENCE)  # the counts must stop it, not the clock


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fails the test instead of hanging if a cap ever stops working."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"rendering took over {SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "body",
    [
        '{{ "{0.__class__.__mro__}"|attr("format")(1) }}',  # CVE-2025-27516
        "{{ ''|attr('__class__')|attr('__base__')|attr('__subclasses__')() }}",
        "{{ (cycler|attr('__init__'))|attr('__globals__') }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ joiner.__init__.__globals__['os'] }}",
        "{% set x = items.__class__ %}{{ x }}",
    ],
    ids=["attr-format", "attr-chain", "attr-globals", "namespace", "self", "joiner", "set"],
)
def test_more_sandbox_escapes_are_refused(tmp_path: Path, body: str) -> None:
    refused = r"templates/t\.mjml\.j2: (refused by the sandbox|unresolved)"
    with pytest.raises(TemplateError, match=refused):
        render_layout(layout(tmp_path, body), "t", {"items": []})


EXPENSIVE = {
    "huge range": "{% for i in range(10**9) %}x{% endfor %}",
    "nested ranges": "{% for i in range(100000) %}{% for j in range(100000) %}"
    "{% endfor %}{% endfor %}",
    "nested string loops": "{% set s = 'x' * 100000 %}"
    "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
    "huge repeat": "{{ 'x' * 10**9 }}",
    "huge power": "{{ 10 ** 100000000 }}",
    "huge width": "{{ 'x'|center(10**9) }}",
    "huge format field": "{{ '{:>1000000000}'.format(1) }}",
    "huge printf field": "{{ '%1000000000s'|format(1) }}",
    "replace blow-up": "{{ ('x' * 1000000).replace('', 'y' * 1000000) }}",
    "join blow-up": "{{ range(100000)|join('x' * 1000000) }}",
    "doubling with ~": "{% set ns = namespace(s='x' * 1000) %}"
    "{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "recursive macro": "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}",
    "recursive loop": "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    "output flood": "{% for i in range(900000) %}xxxxxxxxxx{% endfor %}",
    # no loop at all: 2**23 calls (ran 33 s)
    "self-calling macro": "{% macro m(n) %}{% if n < 22 %}{{ m(n + 1) }}{{ m(n + 1) }}"
    "{% endif %}{% endmacro %}{{ m(0) }}",
}


@pytest.mark.parametrize("body", EXPENSIVE.values(), ids=EXPENSIVE.keys())
def test_too_expensive_templates_stop_with_a_clear_error(
    tmp_path: Path, body: str, deadline: None
) -> None:
    with pytest.raises(TemplateError) as caught:
        render_layout(layout(tmp_path, body), "t", {})
    assert str(caught.value).startswith("templates/t.mjml.j2: refused by the sandbox: ")
    assert "template too expensive" in str(caught.value)


def test_calls_are_counted_and_the_error_names_the_macro_and_line(
    tmp_path: Path, deadline: None
) -> None:
    body = (
        "\n{% macro twice(n) %}{% if n < 22 %}{{ twice(n + 1) }}{{ twice(n + 1) }}{% endif %}"
        "{% endmacro %}\n{{ twice(0) }}"
    )
    with pytest.raises(TemplateError) as caught:
        render_layout(layout(tmp_path, body), "t", {})
    message = str(caught.value)
    assert message.startswith("templates/t.mjml.j2: refused by the sandbox: template too ")
    assert "over 100,000 calls" in message
    assert "macro 'twice'" in message
    assert "line 2 of t.mjml.j2" in message


class SlowClock:
    """A monotonic clock where every reading is one second after the last."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_a_render_stops_at_its_wall_clock_limit(tmp_path: Path) -> None:
    (tmp_path / "t.mjml.j2").write_text(MJML.replace("{body}", "ok"))
    (tmp_path / "t.txt.j2").write_text("{% for i in range(50) %}{{ i }}{% endfor %}")
    templates = TemplateSet(tmp_path, max_seconds=10.0, clock=SlowClock())
    with pytest.raises(TemplateError) as caught:
        render_layout(templates, "t", {})
    message = str(caught.value)
    assert message.startswith("templates/t.txt.j2: refused by the sandbox: template too ")
    assert "rendering took over 10 s (render.max_seconds)" in message
    assert "line 1 of t.txt.j2" in message
    roomy = TemplateSet(tmp_path, max_seconds=1000.0, clock=SlowClock())
    _, text = render_layout(roomy, "t", {})
    assert text.render({}).startswith("0123")


def test_the_wall_clock_limit_is_a_setting() -> None:
    assert Settings().render.max_seconds == 10.0
    app = App(settings_for(render__max_seconds="2.5"))
    assert app.templates.environment.max_seconds == 2.5
    with pytest.raises(ConfigError, match="render.max_seconds"):
        settings_for(render__max_seconds="0")


def test_the_text_part_is_capped_too(tmp_path: Path, deadline: None) -> None:
    text = "{% for i in range(100000) %}{% for j in range(100) %}.{% endfor %}{% endfor %}"
    templates = layout(tmp_path, "ok", text)
    with pytest.raises(TemplateError, match=r"templates/t\.txt\.j2: .*too expensive"):
        render_layout(templates, "t", {})


def test_ordinary_loops_filters_and_arithmetic_still_render(tmp_path: Path) -> None:
    body = (
        "{% for item in items %}{{ loop.index }}/{{ loop.length }} {{ item.title|upper }} "
        "{{ loop.cycle('odd', 'even') }};{% endfor %}"
        "{% for k, v in totals|dictsort %}{{ k }}={{ v * 2 }}{% endfor %}"
        "{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ '%5s'|format('x') }} {{ 'a b'|replace(' ', '-') }} "
        "{{ range(3)|join(', ') }} {{ 'x'|center(9) }} {{ 'a' ~ 1 }} {{ '{:>4}'.format(7) }}"
    )
    items = [{"title": "one"}, {"title": "two"}]
    context = {"items": items, "totals": {"b": 2, "a": 1}}
    html, _ = render_layout(layout(tmp_path, body), "t", context)
    rendered = html.render({})
    assert "1/2 ONE odd;2/2 TWO even;" in rendered
    assert "a=2b=4" in rendered
    assert "ababab 1024     x a-b 0, 1, 2     x     a1    7" in rendered


def test_the_shipped_templates_render_under_the_caps() -> None:
    templates = TemplateSet(REPO / "templates")
    for name in ("confirm", "welcome", "unsubscribed"):
        subject, html, text = compile_system_message(
            templates, name, "ka", organisation=ORG, lists=["members"]
        )
        assert subject
        assert html.render(VALUES)
        assert text.render(VALUES)


@pytest.mark.parametrize(
    "body",
    [
        '</mj-text><MJ-INCLUDE path="/etc/passwd" /><mj-text>',
        '</mj-text>< mj-include path="../../.env"/><mj-text>',
        "{{ '<mj-include path=\"/etc/passwd\" />'|safe }}",  # made by the template at render
        "{% include 'part.j2' %}",  # a partial that holds one
    ],
    ids=["upper-case", "space", "rendered", "partial"],
)
def test_mj_include_is_refused_however_it_is_spelled(tmp_path: Path, body: str) -> None:
    (tmp_path / "part.j2").write_text('<mj-include path="/etc/passwd" />')
    with pytest.raises(TemplateError, match="mj-include is not allowed"):
        render_layout(layout(tmp_path, body), "t", {})


@pytest.mark.parametrize(
    "subject",
    [
        "=?UTF-8?Q?Hello=0ABcc:_victim@example.org?=",
        "News =?utf-8?b?SGkKQmNjOiB4QHkuZXhhbXBsZQ==?=",
    ],
    ids=["q", "b"],
)
def test_an_encoded_word_in_a_campaign_subject_is_a_lint_error(subject: str) -> None:
    data = sample()
    data["content"]["en"]["subject"] = subject
    assert "encoded-word" in problems(data)["content.en.subject"]


@pytest.mark.parametrize(
    "name",
    [
        "=?UTF-8?Q?Hello=0ABcc:_victim@example.org?=",
        "Bob <boss@evil.example>,",
        "Eve@evil.example",
        "A: B;",
        'Нино "the boss" \\',
    ],
    ids=["encoded-word", "angle-address", "at-sign", "group", "quotes"],
)
def test_subject_and_names_reach_the_reader_as_typed(name: str) -> None:
    tricky = "=?UTF-8?Q?Hello=0ABcc:_victim@example.org?="
    headers = campaign_headers(
        sender="News <news@example.org>",
        name=name,
        email="nino@example.org",
        subject=tricky,
        message_id=message_id(TEST_SECRET, 1, "news.example.org"),
        date=datetime(2026, 12, 1, tzinfo=UTC),
        unsubscribe_url="https://news.example.org/u/x",
        unsubscribe_mailto="mailto:unsubscribe+x@bounces.example.org",
        list_name="members",
        slug="2026-12-digest",
        language="en",
        stream="newsletter",
        domain="news.example.org",
    )
    data = build_message(headers, text="t", html="<p>h</p>", boundary="=_b")
    message = message_from_bytes(data, policy=default_policy)
    assert message["Subject"] == tricky  # decoded once: the literal text, no line break
    (address,) = message["To"].addresses
    assert (address.display_name, address.addr_spec) == (name, "nino@example.org")
    assert message["Bcc"] is None


@pytest.mark.parametrize(
    "value",
    ['"Please confirm\\nBcc: victim@example.org"', '"=?UTF-8?Q?Hi=0ABcc:_x@y.example?="'],
    ids=["line-break", "encoded-word"],
)
def test_a_bad_subject_in_strings_toml_names_the_file_and_key(tmp_path: Path, value: str) -> None:
    for name in ("confirm.mjml.j2", "confirm.txt.j2"):
        (tmp_path / "system").mkdir(exist_ok=True)
        body = MJML.replace("{body}", "x") if "mjml" in name else "x"
        (tmp_path / "system" / name).write_text(body)
    (tmp_path / "strings.toml").write_text(f"[en]\nconfirm_subject = {value}\n")
    with pytest.raises(TemplateError) as caught:
        compile_system_message(TemplateSet(tmp_path), "confirm", "en", organisation={}, lists=[])
    assert str(tmp_path / "strings.toml") in str(caught.value)
    assert "[en] confirm_subject must be one line" in str(caught.value)
