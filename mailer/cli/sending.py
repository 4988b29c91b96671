"""``mailer campaign test`` (``cli/campaign.py`` registers it), ``mailer worker`` and what the
sending commands share."""

from __future__ import annotations

import asyncio

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from mailer.app import App
from mailer.campaigns import lifecycle
from mailer.campaigns.lifecycle import Status
from mailer.cli import logs
from mailer.cli.issue_ref import METAVAR, issue_of
from mailer.cli.root import mailer, state, stop_on_signals
from mailer.core.delivery import Action
from mailer.core.subscribers import normalise_email


def print_status(status: Status) -> None:
    for line in status.lines():
        click.echo(line)


async def show_progress(app: App, slug: str, sending: asyncio.Task[None]) -> None:
    """A progress bar following ``slug`` until ``sending`` is done (for a terminal)."""
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
            await asyncio.sleep(0.25)  # how often the bar is redrawn, not a wait for an event


@click.command("test")
@click.argument("reference", metavar=METAVAR)
@click.option("--to", "addresses", multiple=True, required=True, help="Repeatable.")
@click.pass_context
def test_command(ctx: click.Context, reference: str, addresses: tuple[str, ...]) -> None:
    """Send one test copy per language to each address (subject marked [TEST]; no ledger)."""
    checked = [normalise_email(address) for address in addresses]
    with state(ctx).app() as app:
        issue = issue_of(app, reference).valid_campaign()
        copies = asyncio.run(app.send_test_copies(issue, checked))
    failed = [c for c in copies if c.outcome.action != Action.SENT]
    for copy in copies:
        click.echo(f"{copy.address}\t{copy.language}\t{copy.outcome.action}\t{copy.outcome.reason}")
    if failed:
        ctx.exit(1)


@mailer.command()
@click.pass_context
def worker(ctx: click.Context) -> None:
    """Send whatever is due until SIGTERM; messages in flight finish first."""
    app = state(ctx).app()
    logs.configure(key=app.settings.secrets.key)  # JSON lines on stderr, as `mailer serve`

    async def main() -> None:
        stop = stop_on_signals()
        # said once SIGTERM stops it gracefully: before this line, a SIGTERM ends it at once
        click.echo(
            f"worker sending through {app.settings.smtp.host}:{app.settings.smtp.port}", err=True
        )
        await app.send_until(stop)

    with app:
        asyncio.run(main())
