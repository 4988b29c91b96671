"""Root group: global options, settings loading and the translation of errors to exit codes."""

from __future__ import annotations

import asyncio
import importlib
import signal
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from mailer import __version__
from mailer.config import Settings, load_settings
from mailer.errors import MailerError, StorageError

if TYPE_CHECKING:
    from mailer.app import App

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


@dataclass
class CliState:
    config: str | None
    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config, overrides=self.overrides)
        return self._settings

    def override(self, key: str, value: Any) -> None:
        """Set ``section.key`` as if given by ``--set`` (the demo points at its own database)."""
        self.overrides[key] = value
        self._settings = None

    def app(self, *, require_secret: bool = True, migrate: bool = True) -> App:
        from mailer.app import App  # what a command needs; `mailer dev-smtp` needs none of it

        settings = self.settings()
        if require_secret:
            settings.require_secret()
        return App(settings).start(migrate=migrate)


# Each command of the root, and the modules of mailer.cli that define it and its subcommands.
# A command imports only its own modules: the whole CLI with the web app took 1.9 s to start
# for `mailer users list`, and each test starting a `mailer` process paid for it.
COMMANDS: dict[str, tuple[str, ...]] = {
    "approaches": ("approaches",),
    "bounces": ("bounces",),
    "campaign": ("campaign", "issue_folders", "report", "tracking"),
    "config": ("maintenance",),
    "db": ("maintenance",),
    "demo": ("demo",),
    "dev-smtp": ("dev_smtp",),
    "dkim": ("preflight",),
    "interests": ("interests",),
    "lists": ("lists", "interests"),
    "preflight": ("preflight",),
    "schedule": ("schedule",),
    "scheduler": ("scheduler",),
    "serve": ("serve", "scheduler"),
    "subscribers": ("subscribers",),
    "tokens": ("tokens",),
    "translations": ("translations",),
    "users": ("users",),
    "worker": ("sending",),
}


class MailerGroup(click.Group):
    """Turns ``MailerError`` into a one-line message and an exit code, never a traceback.
    Loads a command's modules when it is asked for (``COMMANDS``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module in COMMANDS.get(cmd_name, ()):
            importlib.import_module(f"mailer.cli.{module}")
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MailerError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_FAILURE if isinstance(exc, StorageError) else EXIT_BAD_INPUT)


def _parse_set(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(
                f"expected SECTION.KEY=VALUE, got {item!r}", param_hint="--set"
            )
        out[key.strip()] = value
    return out


@click.group(cls=MailerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mailer")
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    help="Settings file (default: $MAILER_CONFIG, else ./mailer.toml if present).",
)
@click.option("--database-url", help="Overrides database.url.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="SECTION.KEY=VALUE",
    help="Override any setting; repeatable. Beats the file and MAILER_* variables.",
)
@click.pass_context
def mailer(
    ctx: click.Context, config: str | None, database_url: str | None, settings: tuple[str, ...]
) -> None:
    """Self-hosted multilingual newsletter service."""
    overrides: dict[str, Any] = _parse_set(settings)
    if database_url:
        overrides["database.url"] = database_url
    ctx.obj = CliState(config=config, overrides=overrides)


def state(ctx: click.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


def main() -> None:
    try:
        mailer.main(prog_name="mailer")
    except KeyboardInterrupt:
        sys.exit(130)


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or Ctrl-C, for the long-running commands (call inside the loop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop
