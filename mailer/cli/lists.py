"""``mailer lists add|list|remove``."""

from __future__ import annotations

import json

import click

from mailer.cli.root import mailer, state
from mailer.subscriptions import lists as use_case
from mailer.subscriptions.interests import list_titles


@mailer.group()
def lists() -> None:
    """Mailing lists."""


@lists.command("add")
@click.argument("name")
@click.option("--description", default="", help="Shown to staff and on the preferences page.")
@click.pass_context
def lists_add(ctx: click.Context, name: str, description: str) -> None:
    """Create a list."""
    with state(ctx).app() as app:
        use_case.add_list(app.database, name, description=description, now=app.clock())
    click.echo(f"created list {name!r}")


@lists.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def lists_list(ctx: click.Context, as_json: bool) -> None:
    """Every list with its subscription counts."""
    with state(ctx).app() as app:
        summaries = use_case.list_lists(app.database)
        titles = list_titles(app.database)
    for s in summaries:
        if as_json:
            record = {
                "name": s.name,
                "description": s.description,
                "titles": titles.get(s.name, {}),
                "active": s.active,
                "unconfirmed": s.unconfirmed,
                "unsubscribed": s.unsubscribed,
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(
                f"{s.name}\tactive {s.active}\tunconfirmed {s.unconfirmed}"
                f"\tunsubscribed {s.unsubscribed}\t{s.description}".rstrip()
            )
    if not summaries and not as_json:
        click.echo("no lists yet; create one with `mailer lists add NAME`", err=True)


@lists.command("remove")
@click.argument("name")
@click.option("--force", is_flag=True, help="Also remove its subscriptions.")
@click.pass_context
def lists_remove(ctx: click.Context, name: str, force: bool) -> None:
    """Delete a list (subscribers stay; their subscriptions to it go)."""
    with state(ctx).app() as app:
        removed = use_case.remove_list(app.database, name, force=force)
    click.echo(f"removed list {name!r} and {removed} subscription(s)")
