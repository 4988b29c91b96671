"""``mailer campaign stats``: opens and clicks of a campaign with tracking on."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mailer.campaigns import tracking
from mailer.cli.campaign import campaign
from mailer.cli.root import state


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


@campaign.command("stats")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Exactly one JSON object.")
@click.pass_context
def stats_command(ctx: click.Context, slug: str, as_json: bool) -> None:
    """Opens and clicks of a campaign, in total and per link (tracking must be on)."""
    with state(ctx).app() as app:
        stats = tracking.stats(
            app.database, Path(slug).name, website=app.settings.organisation.website
        )
    if as_json:
        click.echo(json.dumps(stats.as_json()))
        return
    if not stats.tracking:
        click.echo(f"campaign {stats.slug}: tracking is off (set tracking = true to turn it on)")
    click.echo(
        f"campaign {stats.slug}: {stats.sent} sent, "
        f"{stats.openers} opened ({_percent(stats.openers, stats.sent)}, {stats.opens} opens), "
        f"{stats.clickers} clicked ({_percent(stats.clickers, stats.sent)}, "
        f"{stats.clicks} clicks)"
    )
    for link in stats.links:
        click.echo(f"  {link.clicks:>6} clicks  {link.clickers:>6} people  {link.link}")
