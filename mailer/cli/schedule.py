"""``mailer schedule next|list``: when each series (``campaigns/<name>.series.toml``) fires."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from mailer.app import utc_now
from mailer.campaigns.folders import import_all
from mailer.campaigns.occurrences import OneOff, occurrence_history, one_offs
from mailer.campaigns.recurrence import occurrences
from mailer.campaigns.series_files import SUFFIX, load_series, series_files, series_name
from mailer.cli.root import mailer, state
from mailer.core import one_off
from mailer.core.deadlines import format_deadline
from mailer.core.series import Series
from mailer.core.times import aware_utc, local_instant
from mailer.errors import SeriesInvalid

AFTER_HELP = (
    "Start after this ISO date or time (without an offset: in the series' zone). Default: now."
)


@mailer.group()
def schedule() -> None:
    """Recurring series and when they fire."""


@schedule.command("next")
@click.argument("series_ref", metavar="SERIES")
@click.option("--count", type=click.IntRange(1, 10_000), default=1, show_default=True)
@click.option("--after", help=AFTER_HELP)
@click.pass_context
def next_command(ctx: click.Context, series_ref: str, count: int, after: str | None) -> None:
    """The next occurrences of SERIES, one local ISO 8601 time with its UTC offset a line.

    SERIES is a name (campaigns/<name>.series.toml under paths.campaigns) or a file's path.
    """
    series = load_series(_series_path(ctx, series_ref))
    for moment in occurrences(series, after=_after(series, after), count=count):
        click.echo(moment.isoformat())


@schedule.command("list")
@click.option("--after", help=AFTER_HELP)
@click.pass_context
def list_command(ctx: click.Context, after: str | None) -> None:
    """Every series with its next 3 occurrences, in local time and UTC, and its last outcome;
    then the one-off sends still to come (send_at in campaign.toml, or scheduled by staff)."""
    campaigns = Path(state(ctx).settings().paths.campaigns)
    files = series_files(campaigns)
    _list_series(ctx, campaigns, files, after)
    with state(ctx).app(require_secret=False) as app:  # imports folders, as the scheduler does
        _, refused = import_all(app.database, campaigns, now=app.clock())
        pending = one_offs(app.database)
    for folder, error in refused:
        click.echo(f"warning: {folder} not imported: {error}", err=True)
    if pending:
        click.echo(
            "\none-off\tscheduled by\tdeadline\tsend at (local)\tsend at (UTC)\tlast outcome"
        )
        for item in pending:
            click.echo(_one_off_line(ctx, item))
    if not files and not pending:
        click.echo(f"no series yet: add {campaigns}/<name>{SUFFIX} (docs/campaigns.md)", err=True)


def _one_off_line(ctx: click.Context, item: OneOff) -> str:
    planned = item.planned
    local = one_off.to_local(planned.planned_at, item.timezone)
    deadline = format_deadline(planned.deadline_at - planned.planned_at)
    with state(ctx).app(require_secret=False) as app:
        found = occurrence_history(app.database, planned.series, limit=1)
    outcome = f"{found[0].state}: {found[0].detail}" if found else "-"
    return (
        f"{item.slug}\t{item.by}\t{deadline}\t{local:%Y-%m-%dT%H:%M} {item.timezone}"
        f"\t{planned.planned_at:%Y-%m-%dT%H:%M:%S}Z\t{outcome}"
    )


def _list_series(ctx: click.Context, campaigns: Path, files: list[Path], after: str | None) -> None:
    if not files:
        return
    broken: list[SeriesInvalid] = []
    click.echo("series\trule\tdeadline\tnext (local)\tnext (UTC)\tlast outcome")
    for file in files:
        try:
            series = load_series(file)
        except SeriesInvalid as exc:
            broken.append(exc)
            continue
        upcoming = occurrences(series, after=_after(series, after), count=3)
        rule = series.rule if series.kind == "cron" else f"{series.rule} at {series.time:%H:%M}"
        head = f"{series.name}\t{rule} {series.timezone}\t{format_deadline(series.deadline)}"
        outcome = last_outcome(ctx, series)
        for index, moment in enumerate(upcoming):
            utc = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            lead = head if index == 0 else "\t\t"
            click.echo(f"{lead}\t{moment.isoformat()}\t{utc}\t{outcome if index == 0 else ''}")
        if not upcoming:
            click.echo(f"{head}\t(ended)\t\t{outcome}")
    for problem in broken:
        click.echo(f"error: {problem}", err=True)
    if broken:
        ctx.exit(2)


def last_outcome(ctx: click.Context, series: Series) -> str:
    """What happened to the series' latest occurrence, for ``mailer schedule list``."""
    with state(ctx).app(require_secret=False) as app:  # reads only
        found = occurrence_history(app.database, series.name, limit=1)
    if not found:
        return "-"
    latest = found[0]
    return (
        f"{latest.period_key} {latest.state}: {latest.detail}"
        if latest.detail
        else (f"{latest.period_key} {latest.state}")
    )


def _series_path(ctx: click.Context, ref: str) -> Path:
    """A series name looked up under paths.campaigns, or a path to a .series.toml file."""
    if ref.endswith(".toml") or "/" in ref or "\\" in ref:
        return Path(ref)
    campaigns = Path(state(ctx).settings().paths.campaigns)
    path = campaigns / f"{ref}{SUFFIX}"
    if not path.is_file():
        known = ", ".join(series_name(p) for p in series_files(campaigns)) or "none"
        raise click.BadParameter(
            f"no series {ref!r}: {path} does not exist (series in {campaigns}/: {known})",
            param_hint="SERIES",
        )
    return path


def _after(series: Series, text: str | None) -> datetime:
    if text is None:
        return aware_utc(utc_now())  # the clock an App gets; nothing else is opened here
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO date or time such as 2026-11-28 or 2026-11-28T09:00",
            param_hint="--after",
        ) from None
    if moment.tzinfo is None:
        return local_instant(moment, series.zone)
    return moment
