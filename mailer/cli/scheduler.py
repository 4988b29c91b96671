"""``mailer scheduler``: the scheduler alone (on PostgreSQL a second one waits as a standby).

It loads neither the web app nor uvicorn, which ``mailer serve`` runs beside it: a scheduler
process starts on less than half the CPU (tests/unit/test_cli_loading.py).
"""

from __future__ import annotations

import asyncio
import logging

import click

from mailer.app import App
from mailer.campaigns.folders import import_all
from mailer.campaigns.series_files import load_series, series_files
from mailer.cli import logs
from mailer.cli.root import mailer, state, stop_on_signals
from mailer.core.series import Series
from mailer.scheduler.service import SchedulerService

log = logging.getLogger("mailer.serve")


def load_all_series(app: App) -> list[Series]:
    return [load_series(path) for path in series_files(app.settings.paths.campaigns)]


def import_folders(app: App) -> None:
    """Import the issue folders under ``paths.campaigns`` (new text only) before serving; the
    scheduler imports them again at every poll."""
    done, refused = import_all(app.database, app.settings.paths.campaigns, now=app.clock())
    for imported in done:
        if imported.changed:
            log.info("issue folder imported", extra={"detail": imported.describe()})
    for folder, error in refused:
        log.warning("issue folder not imported", extra={"folder": str(folder), "error": str(error)})


@mailer.command()
@click.pass_context
def scheduler(ctx: click.Context) -> None:
    """Run the scheduler alone (on PostgreSQL a second one waits as a hot standby)."""
    app = state(ctx).app()
    logs.configure(key=app.settings.secrets.key)
    series = load_all_series(app)
    import_folders(app)
    if not series:
        log.info(
            "no *.series.toml yet; scheduling one-off sends only",
            extra={"campaigns": app.settings.paths.campaigns},
        )

    async def main() -> None:
        stop = stop_on_signals()
        await SchedulerService(app, series).run(stop)

    with app:
        asyncio.run(main())
