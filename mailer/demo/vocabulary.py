"""The demo's words: titles of its list and interests in every language of the public pages
(``words.toml``), the interests published, so the forms never show a database word."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click

from mailer.app import App
from mailer.subscriptions import interests

WORDS = Path(__file__).with_name("words.toml")


def apply_words(app: App) -> dict[str, dict[str, str]]:
    """Titles the lists of ``words.toml`` and every interest of it that exists (the import
    made them private), and publishes those interests; returns the interests' titles."""
    words = tomllib.loads(WORDS.read_text(encoding="utf-8"))
    for name, languages in words["lists"].items():
        entries = {tag: (entry["title"], entry["description"]) for tag, entry in languages.items()}
        interests.set_list_titles(app.database, name, entries)
    known = {word.slug for word in interests.list_interests(app.database)}
    for slug, titles in words["interests"].items():
        if slug in known:
            interests.set_titles(app.database, slug, titles)
            interests.publish(app.database, slug)
    titled: dict[str, dict[str, str]] = words["interests"]
    return titled


def seed(app: App) -> None:
    """``apply_words``, and what it did, for the demo's tour."""
    titled = apply_words(app)
    click.secho("== the words subscribers read", bold=True)
    click.echo(
        f"  {len(titled)} interests titled in {len(titled['fatherhood'])} languages (sr-Latn "
        "made from sr) and published (mailer interests list); the list 'members' titled too"
    )
