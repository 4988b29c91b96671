"""``mailer campaign send|status|pause|resume|cancel``, ``mailer worker``, ``mailer dev-smtp``."""

from __future__ import annotations

import asyncio
import json
import sys
from functools import partial
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from mailer.app import App
from mailer.campaigns import lifecycle, source
from mailer.campaigns.lifecycle import Status
from mailer.campaigns.lint import lint_campaign
from mailer.cli import logs
from mailer.cli.campaign import EXIT_LINT_ERRORS, campaign
from mailer.cli.preflight import print_report
from mailer.cli.root import mailer, state, stop_on_signals
from mailer.core.delivery import Action
from mailer.core.preflight import Report
from mailer.core.subscribers import normalise_email
from mailer.smtp.capture import bound_port, start_capture

_FOLDER = click.Path(path_type=Path, exists=True, file_okay=False)


def print_status(status: Status) -> None:
    for line in status.lines():
        click.echo(line)


async def _show_progress(app: App, slug: str, sending: asyncio.Task[None]) -> None:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeRemainingColumn(),
        transient=False,
    ) as progress:
        task = progress.add_task(slug, total=None, detail="")
        while True:
            status = await asyncio.to_thread(lifecycle.status, app.database, slug)
            done = status.total - sum(status.counts[s] for s in ("queued", "sending", "deferred"))
            detail = f"sent {status.counts['sent']}, deferred {status.counts['deferred']}"
            progress.update(task, total=status.total, completed=done, detail=detail)
            if sending.done():
                return
            await asyncio.sleep(0.25)


@campaign.command("send")
@click.argument("path", type=_FOLDER)
@click.option("--wait", is_flag=True, help="Send in this process until done, then print status.")
@click.option(
    "--force",
    is_flag=True,
    help="Send even though campaign.toml says approved = false, or preflight fails.",
)
@click.pass_context
def send_command(ctx: click.Context, path: Path, wait: bool, force: bool) -> None:
    """Start a campaign: lint, write its ledger, and (with --wait) send it."""
    with state(ctx).app() as app:
        problems = [
            p for p in lint_campaign(path, app.database, app.composer) if p.severity == "error"
        ]
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        if problems:
            click.echo("not sent: fix the errors above (`mailer campaign lint`)", err=True)
            ctx.exit(EXIT_LINT_ERRORS)
        issue = source.load_valid(path)
        if not issue.approved:
            if not force:
                click.echo(f"not sent: {issue.slug} is not approved (approved = false)", err=True)
                ctx.exit(EXIT_LINT_ERRORS)
            click.echo(f"sending {issue.slug} without approval (--force)", err=True)
        _preflight_gate(ctx, app, path, issue.slug, force=force)
        text = source.campaign_file(path).read_text(encoding="utf-8")
        added = lifecycle.start(app.database, issue, text, now=app.clock())
        click.echo(f"started {issue.slug}: {added} deliveries queued")
        if wait:
            # on a terminal, a progress bar follows the campaign while it is sent
            watch = partial(_show_progress, app, issue.slug) if sys.stdout.isatty() else None
            sent = asyncio.run(app.send_until_idle(watch=watch))
            click.echo(
                f"{sent} messages accepted by {app.settings.smtp.host}:{app.settings.smtp.port}"
            )
            print_status(lifecycle.status(app.database, issue.slug))
        else:
            click.echo("`mailer worker` or `mailer serve` sends it")


def _preflight_gate(ctx: click.Context, app: App, path: Path, slug: str, *, force: bool) -> None:
    """Refuse to start when preflight fails (``preflight.gate``), unless ``--force``."""
    report = app.preflight().gate(path)
    if report is None or not report.errors:
        return
    print_report(Report(tuple(report.failures)), err=True)
    if not force:
        click.echo(
            f"not sent: preflight found {report.errors} failing check(s) above "
            f"(`mailer preflight {path}`); fix them, or send anyway with --force",
            err=True,
        )
        ctx.exit(EXIT_LINT_ERRORS)
    click.echo(f"sending {slug} despite failing preflight (--force)", err=True)


@campaign.command("test")
@click.argument("path", type=_FOLDER)
@click.option("--to", "addresses", multiple=True, required=True, help="Repeatable.")
@click.pass_context
def test_command(ctx: click.Context, path: Path, addresses: tuple[str, ...]) -> None:
    """Send one test copy per language to each address (subject marked [TEST]; no ledger)."""
    checked = [normalise_email(address) for address in addresses]
    with state(ctx).app() as app:
        copies = asyncio.run(app.send_test_copies(source.load_valid(path), checked))
    failed = [c for c in copies if c.outcome.action != Action.SENT]
    for copy in copies:
        click.echo(f"{copy.address}\t{copy.language}\t{copy.outcome.action}\t{copy.outcome.reason}")
    if failed:
        ctx.exit(1)


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


@mailer.command()
@click.pass_context
def worker(ctx: click.Context) -> None:
    """Send whatever is due until SIGTERM; messages in flight finish first."""
    app = state(ctx).app()
    logs.configure(key=app.settings.secrets.key)  # JSON lines on stderr, as `mailer serve`

    async def main() -> None:
        await app.send_until(stop_on_signals())

    with app:
        click.echo(
            f"worker sending through {app.settings.smtp.host}:{app.settings.smtp.port}", err=True
        )
        asyncio.run(main())


@mailer.command("dev-smtp")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=1025, show_default=True, type=int)
@click.option(
    "--maildir", default=Path("var/outbox"), show_default=True, type=click.Path(path_type=Path)
)
def dev_smtp(host: str, port: int, maildir: Path) -> None:
    """A local SMTP server that captures every message in a Maildir and sends none."""

    async def main() -> None:
        server, handler = await start_capture(host, port, maildir)
        click.echo(f"capturing mail on {host}:{bound_port(server)} into {maildir}/ (Ctrl-C stops)")
        stop = stop_on_signals()
        async with server:
            await stop.wait()
        click.echo(f"captured {handler.received} message(s)")

    asyncio.run(main())
