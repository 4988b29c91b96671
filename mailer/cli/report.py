"""``mailer campaign report SLUG [--json]``: the numbers of the staff report page."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mailer.cli.campaign import campaign
from mailer.cli.root import state
from mailer.reports.campaign_report import OUTCOMES, campaign_report

COLUMNS = (*OUTCOMES, "complained", "unsubscribed")


@campaign.command("report")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Exactly one JSON object.")
@click.pass_context
def report_command(ctx: click.Context, slug: str, as_json: bool) -> None:
    """Deliveries of a campaign by outcome, per language and per country, with complaints,
    unsubscribes and (tracking on) opens and clicks."""
    with state(ctx).app() as app:
        found = campaign_report(app.database, Path(slug).name)
    if as_json:
        click.echo(json.dumps(found.as_json(), ensure_ascii=False))
        return
    counts = "  ".join(f"{name} {found.counts[name]}" for name in OUTCOMES)
    click.echo(f"campaign {found.slug}: {found.state}, {found.total} deliveries")
    click.echo(f"  {counts}  complained {found.complained}  unsubscribed {found.unsubscribed}")
    if found.tracking:
        click.echo(
            f"  opened by {found.opens[1]} ({found.opens[0]} opens), "
            f"clicked by {found.clicks[1]} ({found.clicks[0]} clicks)"
        )
    for title, table in (("language", found.by_language), ("country", found.by_country)):
        click.echo(f"\n{title}\t" + "\t".join(COLUMNS))
        for value, row in table.items():
            click.echo(f"{value}\t" + "\t".join(str(row[name]) for name in COLUMNS))
