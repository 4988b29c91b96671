"""Composing the sample issue for real subscribers: variants, targeting, languages, escaping."""

from __future__ import annotations

import json
import re
import sys
from email import message_from_bytes
from email.policy import default as default_policy
from html import unescape
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from mailer.app import App
from mailer.campaigns import source
from mailer.campaigns.audience import audience
from mailer.config import load_settings
from mailer.core.selection import items_by_id
from mailer.core.subscribers import Recipient
from mailer.core.tokens import key_id_of
from mailer.core.transliterate import serbian_latin
from mailer.db import Database
from mailer.render.compose import Composer
from tests.conftest import EXAMPLE_CSV, REPO, TEST_SECRET, Cli

SAMPLE = REPO / "campaigns" / "2026-12-digest"
PEOPLE = (
    "email,name,country,language,interests\n"
    "nino@example.org,Nino,GE,ka,fatherhood\n"
    "elvin@example.org,Elvin,AZ,az,research\n"
    "milos@example.org,Miloš,RS,sr-Latn-RS,youth engagement;gender norms\n"
    "olga@example.org,Вольга,BY,be,\n"
    "hans@example.org,<script>alert(1)</script>,DE,de,\n"
)


@pytest.fixture
def composer(db: Database, db_url: str) -> Composer:
    settings = load_settings(
        environ={
            "MAILER_DATABASE__URL": db_url,
            "MAILER_SECRETS__KEY": TEST_SECRET,
            "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
            "MAILER_ORGANISATION__ADDRESS": "Example Street 1, 11000 Belgrade",
        }
    )
    return App(settings).composer(source.load_valid(SAMPLE))


@pytest.fixture
def people(cli: Cli, tmp_path: Path) -> Cli:
    file = tmp_path / "people.csv"
    file.write_text(PEOPLE)
    assert cli("subscribers", "import", str(file), "--list", "members").exit_code == 0
    return cli


def recipient(
    email: str, name: str, country: str | None, language: str | None, *interests: str
) -> Recipient:
    return Recipient(7, email, name, country, language, frozenset(interests))


def test_every_variant_of_the_sample_renders(composer: Composer, db: Database, cli: Cli) -> None:
    assert cli("subscribers", "import", str(EXAMPLE_CSV), "--list", "members").exit_code == 0
    report = audience(db, composer)
    assert report.total == 299
    assert len(report.by_variant) > 5
    for key, example in report.example.items():
        variant, message = composer.render(example)
        assert variant.key == key
        assert message.subject == composer.campaign.content[key.language].subject
        for item_id in key.items:
            title = items_by_id(composer.campaign)[item_id].content[key.language].title
            assert title in unescape(message.html)
        signed = f"/u/{key_id_of(TEST_SECRET)}.s"  # the signed unsubscribe link
        assert signed in message.html
        assert signed in message.text
        assert "Example Street 1" in message.html
        assert max(len(line) for line in message.html.split("\n")) < 998
        assert len(message.html.encode()) < 102 * 1024


def test_right_items_reach_right_people(composer: Composer) -> None:
    georgian = composer.variant_key(recipient("n@example.org", "Nino", "GE", "ka", "fatherhood"))
    assert "fathers-clubs-georgia" in georgian.items
    assert "school-curriculum-serbia" not in georgian.items
    azeri = composer.variant_key(recipient("e@example.org", "Elvin", "AZ", "az", "research"))
    assert "fathers-clubs-georgia" not in azeri.items
    assert azeri.items[0] == "research-brief-men-srh"  # interest matches come first
    serbian = composer.variant_key(
        recipient("m@example.org", "Miloš", "RS", "sr-Latn-RS", "youth engagement")
    )
    assert "school-curriculum-serbia" in serbian.items
    nobody = composer.variant_key(recipient("x@example.org", "", None, None))
    assert len(nobody.items) >= composer.campaign.min_items


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ka", "ka"),
        ("be", "ru"),
        ("sr-Latn-RS", "sr-Latn"),
        ("sr", "sr"),
        ("az", "ru"),
        ("de", "en"),
        (None, "en"),
    ],
)
def test_language_fallback(composer: Composer, language: str | None, expected: str) -> None:
    variant, message = composer.render(recipient("a@example.org", "Ana", "GE", language))
    assert variant.key.language == expected
    assert message.subject == composer.campaign.content[expected].subject


def test_a_latin_serbian_reader_of_a_cyrillic_only_issue_receives_latin_text(
    composer: Composer,
) -> None:
    campaign = composer.campaign
    assert "sr" in campaign.languages
    cyrillic = campaign.content["sr"].subject
    assert re.search("[а-шА-Ш]", cyrillic), "the sample's Serbian is Cyrillic"
    variant, message = composer.render(recipient("m@example.org", "Miloš", "RS", "sr-Latn-RS"))
    assert variant.key.language == "sr-Latn"
    assert message.subject == serbian_latin(cyrillic)
    assert not re.search("[а-шА-ШђјљњћџЂЈЉЊЋЏ]", message.text)
    title = items_by_id(campaign)[variant.key.items[0]].content["sr"].title
    assert serbian_latin(title) in unescape(message.html)


def test_subscriber_data_is_escaped_in_html(composer: Composer) -> None:
    _, message = composer.render(
        recipient("h@example.org", "<script>alert(1)</script>", "DE", "de")
    )
    assert "<script>alert(1)</script>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert "<script>alert(1)</script>" in message.text  # plain text is not HTML


def test_per_recipient_step_calls_neither_mjml_nor_premailer(composer: Composer) -> None:
    person = recipient("a@example.org", "Ana", "GE", "ka", "fatherhood")
    composer.variant(composer.variant_key(person))  # compiled once, outside the trace
    modules: set[str] = set()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "c_call":
            modules.add(getattr(arg, "__module__", None) or "")
        else:
            modules.add(frame.f_globals.get("__name__", ""))

    sys.setprofile(profile)
    try:
        for _ in range(3):
            composer.render(person)
    finally:
        sys.setprofile(None)
    assert modules, "the profiler saw nothing"
    touched = {m for m in modules if m.split(".")[0] in {"mjml", "premailer", "cssutils", "lxml"}}
    assert touched == set()
    assert "mailer.render.personal" in modules  # the variant's pieces, joined with the values


def test_preview_per_language_and_per_subscriber(people: Cli, tmp_path: Path) -> None:
    people.env["MAILER_PATHS__TEMPLATES"] = str(REPO / "templates")
    out = tmp_path / "preview"
    result = people("campaign", "preview", str(SAMPLE), "--out", str(out))
    assert result.exit_code == 0, result.output
    for language in ("en", "ru", "ka", "sr", "sr-Latn"):  # Latin Serbian: its own variant
        for suffix in ("html", "txt", "eml"):
            assert (out / f"{language}.{suffix}").stat().st_size > 500
    eml = message_from_bytes((out / "ka.eml").read_bytes(), policy=default_policy)
    assert eml.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in eml.iter_parts()] == ["text/plain", "text/html"]
    assert eml["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one = people(
        "campaign", "preview", str(SAMPLE), "--email", "NINO@example.org", "--out", str(out)
    )
    assert one.exit_code == 0, one.output
    assert "variant ka:" in one.stdout
    html = (out / "nino_example.org.html").read_text()
    assert "Nino" in html
    campaign = source.load_valid(SAMPLE)
    assert items_by_id(campaign)["fathers-clubs-georgia"].content["ka"].title in unescape(html)


def test_audience_per_language_and_variant(people: Cli) -> None:
    people.env["MAILER_PATHS__TEMPLATES"] = str(REPO / "templates")
    result = people("campaign", "audience", str(SAMPLE), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["total"] == 5
    assert report["languages"] == {"ka": 1, "ru": 2, "sr-Latn": 1, "en": 1}
    assert sum(v["recipients"] for v in report["variants"]) == 5
    human = people("campaign", "audience", str(SAMPLE)).stdout
    assert "5 recipients" in human


def test_a_variant_compiled_again_is_the_same_mail_with_its_own_placeholders(
    db: Database, db_url: str
) -> None:
    """The second compile takes its HTML from the cache: the same message to the byte, yet
    with placeholders of its own, so neither an issue nor the cache can reach another's."""
    settings = load_settings(
        environ={
            "MAILER_DATABASE__URL": db_url,
            "MAILER_SECRETS__KEY": TEST_SECRET,
            "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
        }
    )
    person = recipient("a@example.org", "Ana", "GE", "ka", "fatherhood")
    first, second = (App(settings).composer(source.load_valid(SAMPLE)) for _ in range(2))
    one = first.variant(first.variant_key(person))
    two = second.variant(second.variant_key(person))
    assert set(two.html.fields) == set(one.html.fields) >= {"greeting", "unsubscribe_url"}
    values = {name: f"<{name} of Ana>" for name in {*one.html.fields, *one.text.fields}}
    mail = two.render(values)
    assert mail == one.render(values)
    assert "&lt;greeting of Ana&gt;" in mail.html
    assert not re.search("X[0-9a-f]{12}X", mail.html + mail.text), "a placeholder was left"
