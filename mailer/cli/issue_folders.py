"""``mailer campaign import|export``: an issue's folder in and out of the database."""

from __future__ import annotations

from pathlib import Path

import click

from mailer.campaigns.folders import export_issue, import_folder
from mailer.cli.campaign import campaign
from mailer.cli.root import state
from mailer.core.issue_workflow import BY_FILE

FORCE_HELP = (
    "Store it even though the issue was saved in the editor since this folder was last "
    "imported or exported (the history keeps that revision)."
)


@campaign.command("import")
@click.argument("path", type=click.Path(path_type=Path, exists=True))
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.option(
    "--by",
    default=BY_FILE,
    show_default=True,
    help="Who wrote it (a staff address): the revision's author, who may then not approve it.",
)
@click.option("--message", "-m", help="Why: shown in the issue's history.")
@click.pass_context
def import_command(
    ctx: click.Context, path: Path, force: bool, by: str, message: str | None
) -> None:
    """Store campaigns/SLUG/campaign.toml as a new revision of issue SLUG; "no change" when
    the stored issue has that text already. approved = true approves it (read once)."""
    with state(ctx).app() as app:
        imported = import_folder(
            app.database,
            path,
            now=app.clock(),
            by=by.strip() or BY_FILE,
            force=force,
            message=message,
        )
    click.echo(imported.describe())


@campaign.command("export")
@click.argument("slug")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--revision", type=click.IntRange(min=1), help="An older revision (default: current)."
)
@click.pass_context
def export_command(ctx: click.Context, slug: str, directory: Path, revision: int | None) -> None:
    """Write issue SLUG's campaign.toml into DIRECTORY/SLUG/ (or into DIRECTORY when it is
    named SLUG): the stored text, comments and all, which lints and imports back as "no change"."""
    with state(ctx).app() as app:
        file, number = export_issue(app.database, slug, directory, revision=revision)
    click.echo(f"wrote {file} (issue {slug}, revision {number})")
