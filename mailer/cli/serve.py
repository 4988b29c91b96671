"""``mailer serve``: everything in one process (``mailer scheduler`` runs the scheduler alone).

``serve`` runs the web app (health and metrics until the web issue fills it), the scheduler
(leading, or waiting as a standby on PostgreSQL), a dispatch worker, the bounce receiver when
``bounces.listen`` is set and the bounce mailbox when ``bounce_mailbox.protocol`` is. It
imports the issue folders under ``paths.campaigns`` first (the scheduler again at every poll).
SIGTERM or Ctrl-C: messages in flight finish, leases are let go, then it exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import click
import uvicorn

from mailer.app import App
from mailer.bounces.mailbox import fetch_bounces, mailbox_from
from mailer.cli import logs
from mailer.cli.bounces import split_listen
from mailer.cli.root import mailer, state, stop_on_signals
from mailer.cli.scheduler import import_folders, load_all_series
from mailer.scheduler.service import SchedulerService
from mailer.smtp.inbound import start_inbound
from mailer.web.app import create_app

log = logging.getLogger("mailer.serve")


class _EmbeddedServer(uvicorn.Server):
    """uvicorn inside our loop: our signal handlers stop it, not its own."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _web(app: App, listen: str, stop: asyncio.Event) -> None:
    host, port = split_listen(listen)
    config = uvicorn.Config(
        create_app(app), host=host, port=port, log_config=None, lifespan="off", access_log=False
    )
    server = _EmbeddedServer(config)
    serving = asyncio.create_task(server.serve())
    await stop.wait()
    server.should_exit = True
    await serving


async def _receiver(app: App, stop: asyncio.Event) -> None:
    host, port = split_listen(app.settings.bounces.listen)
    receiver = app.bounce_receiver()
    server = await start_inbound(
        receiver.rules(),
        host,
        port,
        hostname=receiver.domain,
        max_bytes=app.settings.bounces.max_message_bytes,
    )
    log.info("bounce receiver listening", extra={"listen": f"{host}:{port}"})
    async with server:
        await stop.wait()


async def _mailbox(app: App, stop: asyncio.Event) -> None:
    settings = app.settings
    mailbox = mailbox_from(settings.bounce_mailbox, max_bytes=settings.bounces.max_message_bytes)
    if mailbox is None:
        return
    while not stop.is_set():
        try:
            result = await asyncio.to_thread(fetch_bounces, app.bounce_ingest(), mailbox)
            log.info(
                "bounce mailbox read", extra={"recognised": result.recognised, "left": result.left}
            )
        except Exception:
            log.exception("bounce mailbox failed; trying again next interval")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), settings.bounce_mailbox.interval_seconds)


@mailer.command()
@click.option("--listen", help="host:port of the web app (default: web.listen).")
@click.option("--no-worker", is_flag=True, help="Do not send (another host runs workers).")
@click.option("--no-scheduler", is_flag=True, help="Do not run the scheduler here.")
@click.pass_context
def serve(ctx: click.Context, listen: str | None, no_worker: bool, no_scheduler: bool) -> None:
    """Run the service: web app, scheduler, a worker, the bounce receiver and mailbox."""
    app = state(ctx).app()
    logs.configure(key=app.settings.secrets.key)

    async def main() -> None:
        stop = stop_on_signals()
        await run_service(
            app, stop, listen=listen, worker=not no_worker, scheduler=not no_scheduler
        )

    with app:
        asyncio.run(main())


async def run_service(
    app: App, stop: asyncio.Event, *, listen: str | None, worker: bool, scheduler: bool
) -> None:
    """What ``mailer serve`` runs in its loop until ``stop`` is set: the issue folders imported,
    then the web app, the bounce mailbox, a worker, the scheduler and the bounce receiver."""
    series = load_all_series(app) if scheduler else []
    import_folders(app)
    web = listen or app.settings.web.listen
    parts = [_web(app, web, stop), _mailbox(app, stop)]
    if worker:
        parts.append(app.send_until(stop))
    if scheduler:  # series, and one-off sends even when there is no series
        parts.append(SchedulerService(app, series).run(stop))
    if app.settings.bounces.listen:
        parts.append(_receiver(app, stop))
    log.info("mailer serving", extra={"web": web, "series": [s.name for s in series]})
    await asyncio.gather(*parts)
    log.info("mailer stopped")
