"""``mailer demo``: the main job end to end on the embedded default (SQLite)."""

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
from mailer.campaigns import lifecycle, source
from mailer.campaigns.audience import audience
from mailer.campaigns.lint import lint_campaign
from mailer.campaigns.occurrences import OccurrenceRunner, one_offs
from mailer.campaigns.preview import preview_languages
from mailer.cli import demo_web
from mailer.cli.root import CliState, mailer, state
from mailer.cli.sending import print_status, relay_name
from mailer.core import one_off
from mailer.core.deadlines import format_deadline
from mailer.core.series import period_of
from mailer.core.times import aware_utc
from mailer.db import stats
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from mailer.scheduler.files import load_series
from mailer.scheduler.recurrence import occurrences
from mailer.scheduler.service import planned_of
from mailer.smtp.capture import bound_port, start_capture
from mailer.smtp.inbound import deliver_null, start_inbound
from mailer.subscriptions import people

DEMO_VARIANTS = 12
DEMO_ORGANISATION = {
    "name": "EECA MenEngage Platform",
    "address": "Example Street 1, 11000 Belgrade, Serbia",
    "website": "https://example.org",
}
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
@click.option(
    "--campaign",
    "campaign_path",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("campaigns/2026-12-digest"),
    show_default=True,
)
@click.option(
    "--preview",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("var/preview"),
    show_default=True,
)
@click.option(
    "--outbox",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("var/outbox"),
    show_default=True,
    help="Maildir of the built-in capture SMTP server; emptied on every run.",
)
@click.pass_context
def demo(
    ctx: click.Context,
    file: Path,
    database: Path,
    campaign_path: Path,
    preview: Path,
    outbox: Path,
) -> None:
    """The main job on a fresh SQLite file: import, then counts by country, interest, segment."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    cli = state(ctx)
    cli.override("database.url", f"sqlite:///{database}")
    serve_config = database.parent / "demo.toml"
    cli.override("secrets.key", demo_web.demo_key(serve_config))
    if not cli.settings().organisation.address:  # an unconfigured machine: a sample footer
        for key, value in DEMO_ORGANISATION.items():
            cli.override(f"organisation.{key}", value)
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
        _compose(app, campaign_path, preview)
    _send(cli, campaign_path, outbox)
    settings = cli.settings()
    organisation = {
        "name": settings.organisation.name,
        "address": settings.organisation.address,
        "website": settings.organisation.website,
    }
    demo_web.write_config(
        serve_config,
        database=database,
        outbox=outbox,
        key=settings.secrets.key,
        organisation=organisation,
    )
    with cli.app(require_secret=False) as app:
        password = demo_web.add_staff(app)
    click.secho("== the web UI", bold=True)
    click.echo(
        f"  make serve, then open {settings.web.base_url}/staff/ and sign in as "
        f"{demo_web.STAFF_EMAIL} with the password {password}"
    )
    click.echo(
        f"  (settings in {serve_config}; the public pages: {settings.web.base_url}/subscribe)"
    )


def _compose(app: App, campaign_path: Path, preview: Path) -> None:
    click.secho(f"== lint {campaign_path}", bold=True)
    problems = lint_campaign(campaign_path, app.database, app.composer)
    for problem in problems:
        click.echo(f"  {problem.severity}: {problem}")
    errors = sum(p.severity == "error" for p in problems)
    click.echo(f"  {errors} error(s), {len(problems) - errors} warning(s)")
    issue = source.load_valid(campaign_path)
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


def _send(cli: CliState, campaign_path: Path, outbox: Path) -> None:
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
                click.secho(
                    f"== send {campaign_path} through the capture SMTP on {relay_name(app)}",
                    bold=True,
                )
                started = time.perf_counter()
                sent = await app.send_until_idle()
                seconds = time.perf_counter() - started
                print_status(lifecycle.status(app.database, issue.slug))
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
    for item in one_offs(app.database, scratch):
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


def _bounce(cli: CliState, outbox: Path) -> None:
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
