"""The shipped templates: system messages in several languages, right-to-left, no network."""

from __future__ import annotations

import dataclasses
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from mailer.campaigns import source
from mailer.core.campaigns import Campaign
from mailer.core.selection import VariantKey
from mailer.render.compile import compile_system_message, compile_variant, render_layout
from mailer.render.templates import TemplateSet
from tests.conftest import REPO

TEMPLATES = TemplateSet(REPO / "templates")
ORG = {
    "name": "EECA MenEngage Platform",
    "address": "Example Street 1",
    "website": "https://x.example",
}
VALUES = {
    "greeting": "Hello,",
    "name": "Ana",
    "email": "ana@example.org",
    "unsubscribe_url": "https://x.example/u/TOKEN-U",
    "preferences_url": "https://x.example/preferences/TOKEN-P",
    "confirm_url": "https://x.example/confirm/TOKEN-C",
}


@pytest.mark.parametrize("language", ["en", "ru", "ka", "sr", "sr-Latn", "ky"])
@pytest.mark.parametrize("name", ["confirm", "welcome", "unsubscribed"])
def test_system_messages_render_in_each_language(name: str, language: str) -> None:
    subject, html, text = compile_system_message(
        TEMPLATES, name, language, organisation=ORG, lists=["members"]
    )
    assert subject
    assert "\n" not in subject
    assert subject != TEMPLATES.strings("en")[f"{name}_subject"] or language == "en"
    rendered_html, rendered_text = html.render(VALUES), text.render(VALUES)
    assert f'lang="{language}"' in rendered_html
    if name == "confirm":
        assert "TOKEN-C" in rendered_html
        assert "TOKEN-C" in rendered_text
        assert "Ana" not in rendered_html  # the submitted name is never echoed (bombing)
    if name == "welcome":
        assert "TOKEN-U" in rendered_html


def _with_arabic(campaign: Campaign) -> Campaign:
    english = campaign.content["en"]
    items = tuple(
        dataclasses.replace(item, content={**item.content, "ar": item.content["en"]})
        for item in campaign.items
    )
    return dataclasses.replace(
        campaign,
        languages=(*campaign.languages, "ar"),
        content={**campaign.content, "ar": english},
        items=items,
    )


def test_right_to_left_language(tmp_path: Path) -> None:
    campaign = _with_arabic(source.load_valid(REPO / "campaigns" / "2026-12-digest"))
    key = VariantKey("ar", tuple(item.id for item in campaign.items[:3]))
    variant = compile_variant(TEMPLATES, campaign, key, organisation=ORG, view_online="https://x")
    html = variant.html.render(VALUES)
    assert '<html lang="ar" dir="rtl"' in html
    assert "direction:rtl" in html.replace(" ", "")


def test_nothing_is_fetched_while_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network refused by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]
    campaign = source.load_valid(REPO / "campaigns" / "2026-12-digest")
    key = VariantKey("ka", tuple(item.id for item in campaign.items))
    compile_variant(TEMPLATES, campaign, key, organisation=ORG, view_online="https://x")
    assert attempts == []


def test_a_floated_image_gets_an_align_attribute_for_outlook(tmp_path: Path) -> None:
    """Outlook ignores CSS floats but reads ``align``; premailer adds it only when the HTML
    has a float, so the check for one must not miss it."""
    (tmp_path / "t.mjml.j2").write_text(
        "<mjml><mj-head><mj-style inline='inline'>.pic img { float: right; }</mj-style>"
        "</mj-head><mj-body><mj-section><mj-column>"
        '<mj-raw><div class="pic"><img src="https://x.example/a.png" alt=""></div></mj-raw>'
        '<mj-raw><img src="https://x.example/b.png" style="float:left" alt=""></mj-raw>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    (tmp_path / "t.txt.j2").write_text("plain")
    html, _ = render_layout(TemplateSet(tmp_path), "t", {})
    rendered = html.render(VALUES)
    assert re.search(r'<img src="https://x.example/a.png"[^>]*align="right"', rendered)
    assert re.search(r'<img src="https://x.example/b.png"[^>]*align="left"', rendered)
