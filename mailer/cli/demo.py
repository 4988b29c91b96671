"""``mailer demo``: the main job end to end on the embedded default (SQLite)."""

from __future__ import annotations

from pathlib import Path

import click

from mailer.cli.root import mailer, state
from mailer.db import stats
from mailer.importer import import_file
from mailer.importer.run import ImportOptions
from mailer.subscriptions import people

EXAMPLE_SEGMENT = (
    'country in (GE, AZ, KG) and (interest = fatherhood or interest = "violence prevention")'
)


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
@click.pass_context
def demo(ctx: click.Context, file: Path, database: Path) -> None:
    """The main job on a fresh SQLite file: import, then counts by country, interest, segment."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    cli = state(ctx)
    cli.override("database.url", f"sqlite:///{database}")
    with cli.app(require_secret=False) as app:
        click.secho(f"== fresh database {database}", bold=True)
        options = ImportOptions(list_name="members", status="active")
        report = import_file(app.database, file, options, now=app.clock)
        click.secho(f"== import {file} into list 'members'", bold=True)
        click.echo(
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.suppressed} suppressed, {report.invalid_rows} invalid rows:"
        )
        for problem in report.invalid:
            click.echo(f"  row {problem.row}, {problem.field or 'record'}: {problem.error}")
        again = import_file(app.database, file, options, now=app.clock)
        click.echo(
            f"importing it again: {again.created} created, {again.updated} updated, "
            f"{again.unchanged} unchanged"
        )
        with app.database.read() as conn:
            by_country = stats.count_by_country(conn)
            by_interest = stats.count_by_interest(conn)
        click.secho("== active subscribers per country", bold=True)
        for country, n in by_country:
            click.echo(f"  {country:3} {n:5}")
        click.secho("== active subscribers per interest", bold=True)
        for interest, n in by_interest:
            click.echo(f"  {interest:32} {n:5}")
        click.secho(f"== segment: {EXAMPLE_SEGMENT}", bold=True)
        click.echo(f"  {people.count(app.database, segment=EXAMPLE_SEGMENT, list_name='members')}")
