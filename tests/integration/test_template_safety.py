"""Staff templates run sandboxed: the classic escapes, mj-include and unknown fields are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailer.errors import TemplateError
from mailer.render.compile import render_layout
from mailer.render.templates import TemplateSet

MJML = (
    "<mjml><mj-body><mj-section><mj-column><mj-text>{body}</mj-text>"
    "</mj-column></mj-section></mj-body></mjml>"
)


def layout(tmp_path: Path, body: str, text: str = "plain") -> TemplateSet:
    (tmp_path / "t.mjml.j2").write_text(MJML.replace("{body}", body))
    (tmp_path / "t.txt.j2").write_text(text)
    return TemplateSet(tmp_path)


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ ''|attr('__class__')|attr('__mro__') }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ items.append(1) }}",  # the immutable sandbox refuses to change data
    ],
)
def test_sandbox_escapes_are_refused(tmp_path: Path, body: str) -> None:
    with pytest.raises(TemplateError, match="sandbox|unresolved"):
        render_layout(layout(tmp_path, body), "t", {"items": []})


def test_mj_include_is_refused(tmp_path: Path) -> None:
    templates = layout(tmp_path, '</mj-text><mj-include path="../../etc/passwd" /><mj-text>')
    with pytest.raises(TemplateError, match="mj-include is not allowed"):
        render_layout(templates, "t", {})


def test_unknown_field_is_an_error_not_empty_text(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="unresolved field"):
        render_layout(layout(tmp_path, "Hello {{ recipient.nmae }}"), "t", {})


def test_personal_fields_survive_and_are_filled_escaped(tmp_path: Path) -> None:
    templates = layout(
        tmp_path,
        '<a href="{{ recipient.unsubscribe_url }}">{{ recipient.name }}</a> {{ "{{ x }}" }}',
        "Bye {{ recipient.name }} {{ recipient.unsubscribe_url }}",
    )
    html, text = render_layout(templates, "t", {})
    values = {
        "name": "<b>Ana</b>",
        "unsubscribe_url": "https://x.example/u/k1.s1.sig",
        "greeting": "",
        "email": "",
        "preferences_url": "",
        "confirm_url": "",
    }
    rendered = html.render(values)
    assert 'href="https://x.example/u/k1.s1.sig"' in rendered
    assert "&lt;b&gt;Ana&lt;/b&gt;" in rendered
    assert "{{ x }}" in rendered  # literal braces from the campaign stage are never re-parsed
    assert text.render(values) == "Bye <b>Ana</b> https://x.example/u/k1.s1.sig"
