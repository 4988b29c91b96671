"""The demo's sending: the sample issue's series fires its occurrence through the scheduler's
path, the ledger is sent to a capture SMTP server, and two recipients' servers bounce."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import time
from datetime import datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import click

from mailer.app import App
from mailer.bounces import history
from mailer.bounces.simulate import delivery_report
from mailer.campaigns import folders, lifecycle, source
from mailer.campaigns.occurrences import OccurrenceRunner, one_offs
from mailer.campaigns.recurrence import occurrences
from mailer.campaigns.series_files import load_series
from mailer.core import one_off
from mailer.core.deadlines import format_deadline
from mailer.core.series import period_of
from mailer.core.times import aware_utc
from mailer.demo.setup import Setup
from mailer.scheduler.service import planned_of
from mailer.smtp.capture import bound_port, start_capture
from mailer.smtp.inbound import deliver_null, start_inbound
from mailer.subscriptions import people


def send(cli: Setup, campaign_path: Path, outbox: Path) -> None:
    """Send the sample issue to every example subscriber through a capture SMTP server."""
    shutil.rmtree(outbox, ignore_errors=True)

    async def main() -> tuple[int, int]:
        server, handler = await start_capture("127.0.0.1", 0, outbox)
        cli.override("smtp.host", "127.0.0.1")
        cli.override("smtp.port", bound_port(server))
        async with server:
            with cli.app(require_secret=False) as app:
                queued = _occurrence(app, campaign_path, outbox.parent / "demo-campaigns")
                issue = source.load_valid(campaign_path)
                relay = f"{app.settings.smtp.host}:{app.settings.smtp.port}"
                click.secho(
                    f"== send {campaign_path} through the capture SMTP on {relay}", bold=True
                )
                started = time.perf_counter()  # a duration, not a date: not App.clock
                sent = await app.send_until_idle()
                seconds = time.perf_counter() - started
                for line in lifecycle.status(app.database, issue.slug).lines():
                    click.echo(line)
        click.echo(f"  {sent} of {queued} sent in {seconds:.1f} s")
        return sent, handler.received

    _, received = asyncio.run(main())
    click.echo(f"  {received} messages captured in {outbox}/new/ (open one in a mail program)")
    _bounce(cli, outbox)


def _occurrence(app: App, campaign_path: Path, scratch: Path) -> int:
    """The sample issue's series fires its occurrence, which starts the issue (the ledger)."""
    issue = source.load_valid(campaign_path)
    series_name, period = str(issue.extra["series"]), str(issue.extra["period"])
    series = load_series(Path(app.settings.paths.campaigns) / f"{series_name}.series.toml")
    deadline = format_deadline(series.deadline)
    click.secho(
        f"== series {series_name}: {series.rule} at {series.time:%H:%M} "
        f"{series.timezone}, deadline {deadline}",
        bold=True,
    )
    upcoming = occurrences(series, after=aware_utc(app.clock()), count=3)
    click.echo("  next: " + ", ".join(moment.isoformat() for moment in upcoming))
    # the demo approves a copy of the issue (the real one stays a draft) and does not wait for
    # the occurrence of its period: it fires it now, with its deadline counted from now
    shutil.rmtree(scratch, ignore_errors=True)
    copy = scratch / campaign_path.name
    shutil.copytree(campaign_path, copy)
    toml = copy / "campaign.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("approved = false", "approved = true"),
        encoding="utf-8",
    )
    start = datetime(int(period[:4]), int(period[5:7]), 1, tzinfo=series.zone) - timedelta(days=1)
    moment = next(
        m for m in occurrences(series, after=start, count=3) if period_of(series, m) == period
    )
    now = app.clock()
    planned = dataclasses.replace(
        planned_of(series, moment), planned_at=now, deadline_at=now + series.deadline
    )
    runner = OccurrenceRunner(app.database, scratch, app.composer, app.clock)
    outcome = runner.fire(planned)
    assert outcome is not None
    click.echo(
        f"  occurrence {period} (planned {moment.isoformat()}, fired now): "
        f"{outcome.state}, {outcome.detail}"
    )
    again = runner.fire(planned)
    click.echo(f"  the same occurrence fired again: {'nothing done' if again is None else again}")
    _one_off(app, copy, scratch)
    return outcome.queued


def _one_off(app: App, issue_path: Path, scratch: Path) -> None:
    """A one-off send takes the same path; this one is due now but nobody approved it."""
    copy = scratch / "2026-12-announcement"
    shutil.copytree(issue_path, copy)
    toml = copy / "campaign.toml"
    local = one_off.to_local(app.clock(), "Europe/Belgrade")
    dropped = ("series =", "period =", "send_at =", "approved =")
    kept = [
        line
        for line in toml.read_text(encoding="utf-8").splitlines()
        if not line.startswith(dropped)
    ]
    toml.write_text(
        f'send_at = "{local:%Y-%m-%dT%H:%M}"\napproved = false\n' + "\n".join(kept),
        encoding="utf-8",
    )
    runner = OccurrenceRunner(app.database, scratch, app.composer, app.clock)
    folders.import_all(app.database, scratch, now=app.clock())
    for item in one_offs(app.database):
        outcome = runner.fire(item.planned)
        assert outcome is not None
        click.secho(
            f"== one-off send {item.slug} at {item.planned.period} {item.timezone}", bold=True
        )
        click.echo(f"  occurrence {item.planned.series}: {outcome.state}, {outcome.detail}")


DEMO_BOUNCES = (
    ("5.1.1", "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown"),
    ("5.2.2", "552 5.2.2 <{rcpt}>: Mailbox full"),
)


def _bounce(cli: Setup, outbox: Path) -> None:
    """Two recipients' servers send a hard and a soft bounce to the bounce receiver."""
    captured = sorted((outbox / "new").iterdir())[: len(DEMO_BOUNCES)]

    async def main() -> list[tuple[str, str]]:
        with cli.app(require_secret=False) as app:
            receiver = app.bounce_receiver()
            server = await start_inbound(
                receiver.rules(), "127.0.0.1", 0, hostname=receiver.domain, max_bytes=1 << 20
            )
            port = server.sockets[0].getsockname()[1]
            click.secho(
                f"== bounces: the receiver for @{receiver.domain} on 127.0.0.1:{port}", bold=True
            )
            returned = []
            async with server:
                for path, (status, text) in zip(captured, DEMO_BOUNCES, strict=True):
                    message = message_from_bytes(path.read_bytes())
                    return_path = str(message["X-Capture-Mail-From"])
                    rcpt = str(message["X-Capture-Rcpt-To"])
                    report = delivery_report(
                        path.read_bytes(),
                        return_path=return_path,
                        recipient=rcpt,
                        status=status,
                        diagnostic=text.format(rcpt=rcpt),
                        date=app.clock(),
                    )
                    reply = await deliver_null("127.0.0.1", port, return_path, report)
                    click.echo(f"  {status} report for {rcpt} to {return_path[:40]}…: {reply}")
                    returned.append((rcpt, status))
            for row in history.events(app.database, limit=len(DEMO_BOUNCES)):
                click.echo(
                    f"  recorded: {row['kind']} {row['status']} {row['recipient']} "
                    f"(by {row['attributed_by']}): {row['action']}"
                )
            for rcpt, _ in returned:
                record = people.show(app.database, rcpt)
                click.echo(
                    f"  {rcpt}: status {record['status']}, bounce score {record['bounce_score']:g}"
                )
        return returned

    asyncio.run(main())
    click.echo("  (`mailer bounces list` and `mailer subscribers show EMAIL` show the same)")
