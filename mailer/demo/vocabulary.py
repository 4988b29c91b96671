"""The demo's words: titles of its list and interests in every language of the public pages
(``words.toml``), the interests published, so the forms never show a database word."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click

from mailer.app import App
from mailer.subscriptions import interests

WORDS = Path(__file__).with_name("words.toml")


def seed(app: App) -> None:
    """Titles every interest the import created and every list of ``words.toml``; publishes them."""
    words = tomllib.loads(WORDS.read_text(encoding="utf-8"))
    for name, languages in words["lists"].items():
        for tag, entry in languages.items():
            interests.title_list(
                app.database, name, tag, title=entry["title"], description=entry["description"]
            )
    known = {word.slug for word in interests.list_interests(app.database)}
    for slug, titles in words["interests"].items():
        if slug in known:
            interests.set_titles(app.database, slug, titles)
            interests.publish(app.database, slug)
    click.secho("== the words subscribers read", bold=True)
    click.echo(
        f"  {len(words['interests'])} interests titled in {len(words['interests']['fatherhood'])} "
        "languages and published (mailer interests list); the list 'members' titled too"
    )
