"""``mailer dev-smtp``: a capture server for trying things out, which loads nothing else."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from mailer.cli.root import mailer, stop_on_signals
from mailer.smtp.capture import bound_port, start_capture


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
