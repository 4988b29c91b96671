"""The command line loads only what the asked-for command needs (``mailer.cli.root.COMMANDS``)."""

from __future__ import annotations

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


@pytest.mark.subprocess
def test_dev_smtp_and_a_subcommands_help_load_neither_the_app_nor_the_web() -> None:
    """`mailer dev-smtp` started in 1.9 s: it loaded the whole CLI, the app and the web app."""
    probe = (
        "import sys\n"
        "from mailer.cli import mailer\n"
        "for args in (['dev-smtp', '--help'], ['users', '--help']):\n"
        "    try:\n"
        "        mailer.main(args, prog_name='mailer', standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('mailer.app', 'mailer.web.app', 'fastapi', 'premailer')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
