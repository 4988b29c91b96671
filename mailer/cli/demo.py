"""``mailer demo``: the options of the demo; the demo itself is ``mailer.demo``."""

from __future__ import annotations

from pathlib import Path

import click

from mailer.cli.root import mailer, state
from mailer.demo import DemoPaths, run


@mailer.command()
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("subscribers/example.csv"),
    show_default=True,
)
@click.option(
    "--database",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("var/demo.db"),
    show_default=True,
    help="A fresh SQLite file, replaced on every run.",
)
@click.option(
    "--campaign",
    "campaign_path",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("campaigns/2026-12-digest"),
    show_default=True,
)
@click.option(
    "--preview",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("var/preview"),
    show_default=True,
)
@click.option(
    "--outbox",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("var/outbox"),
    show_default=True,
    help="Maildir of the built-in capture SMTP server; emptied on every run.",
)
@click.pass_context
def demo(
    ctx: click.Context,
    file: Path,
    database: Path,
    campaign_path: Path,
    preview: Path,
    outbox: Path,
) -> None:
    """The main job on a fresh SQLite file: import, then counts by country, interest, segment."""
    run(state(ctx), DemoPaths(file, database, campaign_path, preview, outbox))
