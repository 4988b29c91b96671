"""``mailer db …`` and ``mailer config …``."""

from __future__ import annotations

import json

import click

from mailer.cli.root import mailer, state
from mailer.config import secret_names, shown_settings
from mailer.db.engine import hide_password


@mailer.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply every pending migration (idempotent)."""
    app = state(ctx).app(migrate=False)
    with app:
        before, after = app.database.upgrade()
    if before == after:
        click.echo(f"database {app.database.safe_url} is up to date (revision {after})")
    else:
        click.echo(f"database {app.database.safe_url} upgraded from {before or 'empty'} to {after}")


@db.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the schema revision of the database."""
    from mailer.db import migrate

    app = state(ctx).app(migrate=False)
    with app:
        click.echo(migrate.current(app.database.engine) or "empty")


@mailer.group()
def config() -> None:
    """Settings."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def config_show(ctx: click.Context, as_json: bool) -> None:
    """Print the effective settings (secrets masked) and where they came from."""
    settings = state(ctx).settings()
    values: dict[str, object] = {}
    secret = secret_names()
    for name, value in shown_settings(settings).items():
        if name in secret and value:
            value = "********"
        elif name == "database.url":
            value = hide_password(str(value))
        values[name] = value
    if as_json:
        click.echo(json.dumps({"source": settings.source, "settings": values}))
        return
    click.echo(f"# from {settings.source}, then MAILER_* variables and flags")
    for name, value in values.items():
        origin = settings.origins.get(name)
        note = f"  # {origin}" if origin and origin != settings.source else ""
        click.echo(f"{name} = {json.dumps(value)}{note}")
