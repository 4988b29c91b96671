"""The command line loads only what the asked-for command needs (``mailer.cli.root.COMMANDS``)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import click
import pytest

from mailer.cli.root import COMMANDS, mailer


def test_every_command_is_listed_and_every_listed_one_exists() -> None:
    for module in {name for modules in COMMANDS.values() for name in modules}:
        importlib.import_module(f"mailer.cli.{module}")
    assert set(mailer.commands) == set(COMMANDS)
    context = click.Context(mailer)
    for name in COMMANDS:
        assert mailer.get_command(context, name) is not None, name


def loaded(commands: list[list[str]], modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh process has loaded after asking for each command's help."""
    probe = (
        "import sys\n"
        "from mailer.cli import mailer\n"
        f"for args in {commands!r}:\n"
        "    try:\n"
        "        mailer.main(args, prog_name='mailer', standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    return list(ast.literal_eval(done.stdout.strip().splitlines()[-1]))


@pytest.mark.subprocess
def test_dev_smtp_and_a_subcommands_help_load_neither_the_app_nor_the_web() -> None:
    """`mailer dev-smtp` started in 1.9 s: it loaded the whole CLI, the app and the web app."""
    modules = ("mailer.app", "mailer.web.app", "fastapi", "premailer")
    assert loaded([["dev-smtp", "--help"], ["users", "--help"]], modules) == []


@pytest.mark.subprocess
def test_the_scheduler_and_the_worker_do_not_load_the_web() -> None:
    """`mailer scheduler` lived with `serve` and loaded the web app and uvicorn: 1.1 s of CPU
    more at every start."""
    modules = ("mailer.web.app", "fastapi", "uvicorn")
    assert loaded([["scheduler", "--help"], ["worker", "--help"]], modules) == []
