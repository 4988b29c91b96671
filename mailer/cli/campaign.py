"""``mailer campaign lint|preview|audience``: each imports ``campaigns/SLUG`` first (a new
revision only when its text is new), then works on the stored issue."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mailer.campaigns.audience import audience
from mailer.campaigns.lint import lint_campaign
from mailer.campaigns.preview import preview_languages, preview_recipient
from mailer.cli.issue_ref import METAVAR, issue_of
from mailer.cli.root import mailer, state
from mailer.core.campaigns import Problem
from mailer.core.languages import resolve_language
from mailer.core.subscribers import email_key, normalise_email
from mailer.db.subscribers import find_recipient
from mailer.errors import CampaignInvalid, NotFound

EXIT_LINT_ERRORS = 1


@mailer.group()
def campaign() -> None:
    """Newsletter issues: stored in the database; campaigns/<slug>/ folders go in and out."""


@campaign.command("lint")
@click.argument("reference", metavar=METAVAR)
@click.pass_context
def lint_command(ctx: click.Context, reference: str) -> None:
    """Check an issue: errors (exit 1) and warnings, each naming file and key."""
    with state(ctx).app() as app:
        try:
            problems = lint_campaign(issue_of(app, reference), app.database, app.composer)
        except CampaignInvalid as exc:  # not even a document: nothing was stored
            problems = [p for p in exc.problems if isinstance(p, Problem)]
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        click.echo(f"{problem.severity}: {problem}", err=problem.severity == "error")
    click.echo(f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    if errors:
        ctx.exit(EXIT_LINT_ERRORS)


@campaign.command("preview")
@click.argument("reference", metavar=METAVAR)
@click.option("--lang", "languages", multiple=True, help="Only these languages (repeatable).")
@click.option("--email", help="Exactly what this subscriber would receive.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
@click.pass_context
def preview_command(
    ctx: click.Context, reference: str, languages: tuple[str, ...], email: str | None, out: Path
) -> None:
    """Write <name>.html, <name>.txt and <name>.eml per language, or for one subscriber."""
    with state(ctx).app() as app:
        issue = issue_of(app, reference).valid_campaign()
        composer = app.composer(issue)
        sender = issue.sender or app.settings.sender.from_
        domain, now = app.settings.sender.domain, app.clock()
        if email:
            with app.database.read() as conn:
                recipient = find_recipient(conn, email_key(normalise_email(email)))
            if recipient is None:
                raise NotFound("subscriber", email)
            key, files = preview_recipient(
                composer, out, recipient, sender=sender, domain=domain, now=now
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
            files = preview_languages(composer, out, chosen, sender=sender, domain=domain, now=now)
    for file in files:
        click.echo(str(file))


@campaign.command("audience")
@click.argument("reference", metavar=METAVAR)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def audience_command(ctx: click.Context, reference: str, as_json: bool) -> None:
    """Recipients per language and per variant."""
    with state(ctx).app() as app:
        issue = issue_of(app, reference).valid_campaign()
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
