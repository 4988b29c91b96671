"""The demo's tour: a fresh database, the example subscribers imported twice, counts by
country, interest and segment, then the sample issue linted, previewed and its audience shown."""

from __future__ import annotations

from pathlib import Path

import click

from mailer import approaches
from mailer.app import App
from mailer.campaigns import folders, source
from mailer.campaigns.audience import audience
from mailer.campaigns.lint import lint_campaign
from mailer.campaigns.preview import preview_languages
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from mailer.reports import counts
from mailer.subscriptions import people

DEMO_VARIANTS = 12
EXAMPLE_SEGMENT = (
    'country in (GE, AZ, KG) and (interest = fatherhood or interest = "violence prevention")'
)


def import_and_count(app: App, file: Path, database: Path) -> None:
    """Import ``file`` twice (the second changes nothing), then the counts staff look at."""
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
    if report.new_interests:
        click.echo(f"new interests, private until published: {', '.join(report.new_interests)}")
    again = import_file(app.database, file, options, now=app.clock)
    click.echo(
        f"importing it again: {again.created} created, {again.updated} updated, "
        f"{again.unchanged} unchanged"
    )
    active = counts.active_audience(app.database)
    click.secho("== active subscribers per country", bold=True)
    for country, n in active.by_country.items():
        click.echo(f"  {country:3} {n:5}")
    click.secho("== active subscribers per interest", bold=True)
    for interest, n in active.by_interest.items():
        click.echo(f"  {interest:32} {n:5}")
    click.secho(f"== segment: {EXAMPLE_SEGMENT}", bold=True)
    click.echo(f"  {people.count(app.database, segment=EXAMPLE_SEGMENT, list_name='members')}")


def compose(app: App, campaign_path: Path, preview: Path) -> None:
    """Load the sample library, lint the sample issue (its items refer to the library), write
    a preview per language, show its audience by variant."""
    library = source.campaign_file(campaign_path).parent.parent / approaches.FOLDER
    click.secho(f"== the approaches library: import {library}/", bold=True)
    done, refused = approaches.import_approaches(app.database, library, now=app.clock())
    for entry in done:
        click.echo(f"  {entry.describe()}")
    for file, why in refused:
        click.echo(f"  refused {file}: {why}")
    click.secho(f"== import {campaign_path} (the staff UI's editor shows it)", bold=True)
    imported = folders.import_folder(app.database, campaign_path, now=app.clock())
    click.echo(f"  {imported.describe()}")
    shown = str(source.campaign_file(campaign_path))
    stored = folders.stored_issue(app.database, imported.slug, shown=shown)
    click.secho(f"== lint {campaign_path}", bold=True)
    problems = lint_campaign(stored, app.database, app.composer)
    for problem in problems:
        click.echo(f"  {problem.severity}: {problem}")
    errors = sum(p.severity == "error" for p in problems)
    click.echo(f"  {errors} error(s), {len(problems) - errors} warning(s)")
    issue = stored.valid_campaign()
    composer = app.composer(issue)
    click.secho(f"== previews in {preview}/", bold=True)
    files = preview_languages(
        composer,
        preview,
        list(issue.languages),
        builder=app.message_builder,
        default_sender=app.settings.sender.from_,
        now=app.clock(),
    )
    click.echo("  " + " ".join(sorted(f.name for f in files)))
    click.secho(f"== audience of {issue.slug}", bold=True)
    report = audience(app.database, composer)
    click.echo(
        f"  {report.total} recipients; per language: "
        + ", ".join(f"{language} {n}" for language, n in report.by_language.most_common())
    )
    click.echo(f"  {len(report.by_variant)} variants (recipients, language, items), largest first:")
    for key, n in report.by_variant.most_common(DEMO_VARIANTS):
        click.echo(f"  {n:6}  {key.language:3} {', '.join(key.items)}")
    if len(report.by_variant) > DEMO_VARIANTS:
        rest = len(report.by_variant) - DEMO_VARIANTS
        click.echo(f"  … and {rest} more (`mailer campaign audience {campaign_path}` lists all)")
