"""``mailer translations export|import``: an issue's texts for translators and back
(docs/translations-round-trip.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mailer.approaches import translations as approach_translations
from mailer.cli.root import EXIT_BAD_INPUT, mailer, state
from mailer.core.issue_workflow import Actor
from mailer.issues import translations
from mailer.render.translation_files import FORMATS

BY_TRANSLATOR = "translation file"  # the author of a revision a file brought in


@mailer.group("translations")
def translations_group() -> None:
    """Export an issue's or library approaches' texts in one language for translators,
    import them back."""


@translations_group.command("export")
@click.argument("slug", required=False)
@click.option("--lang", "language", required=True, help="The target language, e.g. ka.")
@click.option("--format", "form", type=click.Choice(FORMATS), default="xliff", show_default=True)
@click.option(
    "--approaches",
    "approach_slugs",
    default=None,
    metavar="SLUG[,SLUG…]",
    help="Library approaches instead of an issue (comma-separated slugs).",
)
@click.option("--all-approaches", is_flag=True, help="Every published approach of the library.")
@click.pass_context
def export_command(
    ctx: click.Context,
    slug: str | None,
    language: str,
    form: str,
    approach_slugs: str | None,
    all_approaches: bool,
) -> None:
    """Write issue SLUG's fields, or library approaches' (--approaches, --all-approaches),
    with the source language alongside and a note per field, as XLIFF 2.0 or PO to standard
    output."""
    chosen = [s.strip() for s in (approach_slugs or "").split(",") if s.strip()]
    if sum((bool(slug), bool(chosen), all_approaches)) != 1:
        raise click.UsageError(
            "name one issue SLUG, or --approaches SLUG[,SLUG…], or --all-approaches"
        )
    with state(ctx).app() as app:
        if slug:
            file = translations.export_file(app.issue_desk(), slug, language, form)
            click.echo(file.text, nl=False)
            return
        text = approach_translations.export_file(app.database, chosen or None, language, form).text
    click.echo(text, nl=False)


@translations_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; store nothing.")
@click.option(
    "--by",
    default=BY_TRANSLATOR,
    show_default=True,
    help="Who translated it (a staff address): the new revision's author.",
)
@click.pass_context
def import_command(ctx: click.Context, file: Path, dry_run: bool, by: str) -> None:
    """Check FILE (XLIFF 2.0 or PO exported by `translations export`) and store its
    translations as a new revision of its issue (or of each approach it changes), each a
    draft; refused as a whole, nothing stored, when an id is unknown, markup or a
    placeholder is lost or the language is wrong."""
    with state(ctx).app() as app:
        done = translations.import_any(
            app.issue_desk(),
            file.read_bytes(),
            str(file),
            by=Actor(by.strip() or BY_TRANSLATOR, "editor"),
            now=app.clock(),
            dry_run=dry_run,
        )
    for line in done.describe():
        click.echo(line, err=line.startswith(("error", "refused")))
    if done.refused:
        sys.exit(EXIT_BAD_INPUT)
