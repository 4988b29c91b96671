"""``mailer campaign lint|preview|audience|send|status|pause|resume|cancel`` (``test`` is in
``cli/sending.py``, beside the other commands that send). Each taking ``campaigns/SLUG``
imports it first (a new revision only when its text is new), then works on the stored issue."""

from __future__ import annotations

import asyncio
import json
import sys
from functools import partial
from pathlib import Path

import click

from mailer.app import App
from mailer.campaigns import lifecycle
from mailer.campaigns.audience import audience
from mailer.campaigns.lint import lint_campaign
from mailer.campaigns.preview import preview_languages, preview_recipient
from mailer.cli.issue_ref import METAVAR, issue_of
from mailer.cli.preflight import print_report
from mailer.cli.root import mailer, state
from mailer.cli.sending import print_status, show_progress, test_command
from mailer.core.issue_text import IssueText
from mailer.core.languages import resolve_language
from mailer.core.preflight import Report
from mailer.core.problems import Problem
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
            problems = lint_campaign(
                issue_of(app, reference),
                app.database,
                app.composer,
                series_dir=app.settings.paths.campaigns,
            )
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
                | ({"zone": key.zone} if key.zone else {})
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
        zone = f"  (times in {key.zone})" if key.zone else ""
        click.echo(f"  {n:7}  {key.language:8} {', '.join(key.items)}{zone}")


@campaign.command("send")
@click.argument("reference", metavar=METAVAR)
@click.option(
    "--wait",
    is_flag=True,
    help="Send in this process until it has nothing left to claim, then print status "
    "(rows a running worker holds may still be sending: see `campaign status`).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Send even though the issue is not approved, or preflight fails.",
)
@click.pass_context
def send_command(ctx: click.Context, reference: str, wait: bool, force: bool) -> None:
    """Start a campaign: lint, write its ledger, and (with --wait) send it."""
    with state(ctx).app() as app:
        stored = issue_of(app, reference)
        problems = [
            p for p in lint_campaign(stored, app.database, app.composer) if p.severity == "error"
        ]
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        if problems:
            click.echo("not sent: fix the errors above (`mailer campaign lint`)", err=True)
            ctx.exit(EXIT_LINT_ERRORS)
        issue = stored.valid_campaign()
        if not lifecycle.approval_stands(app.database, issue.slug, stored.text):
            if not force:
                click.echo(
                    f"not sent: {issue.slug} is not approved (revision {stored.revision}: "
                    "approve it in the staff UI, or with approved = true in its campaign.toml)",
                    err=True,
                )
                ctx.exit(EXIT_LINT_ERRORS)
            click.echo(f"sending {issue.slug} without approval (--force)", err=True)
        _preflight_gate(ctx, app, stored, reference, force=force)
        added = lifecycle.start(app.database, issue, stored.text, now=app.clock())
        click.echo(f"started {issue.slug}: {added} deliveries queued")
        if wait:
            # on a terminal, a progress bar follows the campaign while it is sent
            watch = partial(show_progress, app, issue.slug) if sys.stdout.isatty() else None
            sent = asyncio.run(app.send_until_idle(watch=watch))
            click.echo(
                f"{sent} messages accepted by {app.settings.smtp.host}:{app.settings.smtp.port}"
            )
            print_status(lifecycle.status(app.database, issue.slug))
        else:
            click.echo("`mailer worker` or `mailer serve` sends it")


def _preflight_gate(
    ctx: click.Context, app: App, issue: IssueText, reference: str, *, force: bool
) -> None:
    """Refuse to start when preflight fails (``preflight.gate``), unless ``--force``."""
    report = app.preflight().gate(issue)
    if report is None or not report.errors:
        return
    print_report(Report(tuple(report.failures)), err=True)
    if not force:
        click.echo(
            f"not sent: preflight found {report.errors} failing check(s) above "
            f"(`mailer preflight {reference}`); fix them, or send anyway with --force",
            err=True,
        )
        ctx.exit(EXIT_LINT_ERRORS)
    click.echo(f"sending {issue.slug} despite failing preflight (--force)", err=True)


@campaign.command("status")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Exactly one JSON object.")
@click.pass_context
def status_command(ctx: click.Context, slug: str, as_json: bool) -> None:
    """State of a campaign and its deliveries by state."""
    with state(ctx).app() as app:
        status = lifecycle.status(app.database, Path(slug).name)
    if as_json:
        click.echo(json.dumps(status.as_json()))
    else:
        print_status(status)


def _lifecycle_command(name: str) -> None:
    action = getattr(lifecycle, name)

    @campaign.command(name, help=f"{name.capitalize()} a campaign.")
    @click.argument("slug")
    @click.pass_context
    def command(ctx: click.Context, slug: str) -> None:
        with state(ctx).app() as app:
            new_state = action(app.database, Path(slug).name, now=app.clock())
        click.echo(f"campaign {Path(slug).name} is {new_state}")


for _name in ("pause", "resume", "cancel"):
    _lifecycle_command(_name)


campaign.add_command(test_command)
