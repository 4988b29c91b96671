"""``mailer campaign lint|preview|audience``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mailer.campaigns import source
from mailer.campaigns.audience import audience
from mailer.campaigns.lint import lint_campaign
from mailer.campaigns.preview import preview_languages, preview_recipient
from mailer.cli.root import mailer, state
from mailer.core.languages import resolve_language
from mailer.core.subscribers import email_key, normalise_email
from mailer.db.subscribers import find_recipient
from mailer.errors import NotFound

EXIT_LINT_ERRORS = 1
_FOLDER = click.Path(path_type=Path, exists=True)


@mailer.group()
def campaign() -> None:
    """Newsletter issues in campaigns/<slug>/."""


@campaign.command("lint")
@click.argument("path", type=_FOLDER)
@click.pass_context
def lint_command(ctx: click.Context, path: Path) -> None:
    """Check an issue: errors (exit 1) and warnings, each naming file and key."""
    with state(ctx).app() as app:
        problems = lint_campaign(path, app.database, app.composer)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}", err=problem.severity == "error")
    click.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    if errors:
        ctx.exit(EXIT_LINT_ERRORS)


@campaign.command("preview")
@click.argument("path", type=_FOLDER)
@click.option("--lang", "languages", multiple=True, help="Only these languages (repeatable).")
@click.option("--email", help="Exactly what this subscriber would receive.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
@click.pass_context
def preview_command(
    ctx: click.Context, path: Path, languages: tuple[str, ...], email: str | None, out: Path
) -> None:
    """Write <name>.html, <name>.txt and <name>.eml per language, or for one subscriber."""
    with state(ctx).app() as app:
        issue = source.load_valid(path)
        composer = app.composer(issue)
        builder, sender, now = app.message_builder, app.settings.sender.from_, app.clock()
        if email:
            with app.database.read() as conn:
                recipient = find_recipient(conn, email_key(normalise_email(email)))
            if recipient is None:
                raise NotFound("subscriber", email)
            key, files = preview_recipient(
                composer, out, recipient, builder=builder, default_sender=sender, now=now
            )
            click.echo(f"{email}: variant {key.name}")
        else:
            chosen = [
                resolve_language(lang, issue.languages, fallback=issue.fallback, default="") or lang
                for lang in languages
            ] or list(issue.languages)
            unknown = [lang for lang in chosen if lang not in issue.languages]
            if unknown:
                raise NotFound("language in this issue", ", ".join(unknown))
            files = preview_languages(
                composer, out, chosen, builder=builder, default_sender=sender, now=now
            )
    for file in files:
        click.echo(str(file))


@campaign.command("audience")
@click.argument("path", type=_FOLDER)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def audience_command(ctx: click.Context, path: Path, as_json: bool) -> None:
    """Recipients per language and per variant."""
    with state(ctx).app() as app:
        issue = source.load_valid(path)
        report = audience(app.database, app.composer(issue))
    if as_json:
        record = {
            "total": report.total,
            "languages": dict(report.by_language.most_common()),
            "variants": [
                {"language": key.language, "items": list(key.items), "recipients": n}
                for key, n in report.by_variant.most_common()
            ],
        }
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    click.echo(f"{report.total} recipients")
    click.echo("per language:")
    for language, n in report.by_language.most_common():
        click.echo(f"  {language:8} {n:7}")
    click.echo(f"per variant ({len(report.by_variant)}):")
    for key, n in report.by_variant.most_common():
        click.echo(f"  {n:7}  {key.language:8} {', '.join(key.items)}")
