"""``mailer approaches import|export|list``: the approaches library as files,
``campaigns/approaches/<slug>.toml`` (one per approach), in and out of the database."""

from __future__ import annotations

from pathlib import Path

import click

from mailer import approaches as library
from mailer.cli.root import mailer, state
from mailer.errors import CampaignInvalid, Conflict, InvalidValue


@mailer.group("approaches")
def approaches() -> None:
    """The approaches library that issues pick their items from (docs/approaches.md)."""


def _folder(ctx: click.Context, given: Path | None) -> Path:
    return given if given is not None else state(ctx).settings().paths.campaigns / library.FOLDER


@approaches.command("import")
@click.argument("path", type=click.Path(path_type=Path, exists=True), required=False)
@click.option(
    "--force",
    is_flag=True,
    help="Store a file even though its approach was saved in the editor since the file was "
    "last imported or exported (the history keeps that revision).",
)
@click.pass_context
def import_command(ctx: click.Context, path: Path | None, force: bool) -> None:
    """Store each PATH/<slug>.toml (default: campaigns/approaches/; or one file) as a new
    revision of approach <slug>; "no change" when it holds that text already. Exit 2 when a
    file was refused (each is named, with why); the others are stored."""
    folder = _folder(ctx, path)
    with state(ctx).app() as app:
        if folder.is_file():
            done = [library.import_file(app.database, folder, now=app.clock(), force=force)]
            refused: list[tuple[Path, CampaignInvalid | Conflict]] = []
        else:
            done, refused = library.import_approaches(
                app.database, folder, now=app.clock(), force=force
            )
    for imported in done:
        click.echo(imported.describe())
    for file, why in refused:
        click.echo(f"{file}: refused: {why}", err=True)
    if not done and not refused:
        click.echo(f"{folder}: no approach files (<slug>.toml)")
    if refused:
        raise InvalidValue(str(folder), f"{len(refused)} file(s) refused; see above")


@approaches.command("export")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), required=False)
@click.option("--slug", "slugs", multiple=True, help="Only this approach (repeatable).")
@click.pass_context
def export_command(ctx: click.Context, directory: Path | None, slugs: tuple[str, ...]) -> None:
    """Write every approach (or each --slug) as DIRECTORY/<slug>.toml (default:
    campaigns/approaches/): the current revision's text, which imports back as "no change"."""
    folder = _folder(ctx, directory)
    with state(ctx).app() as app:
        written = library.export_approaches(app.database, folder, list(slugs) or None)
    for file, number in written:
        click.echo(f"wrote {file} (revision {number})")


@approaches.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """Every approach: slug, state, kind, revision and title."""
    with state(ctx).app() as app:
        views = library.list_approaches(app.database)
    for view in views:
        click.echo(f"{view.slug}\t{view.state}\t{view.kind}\t{view.revision}\t{view.title}")
