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


WATCHED = ("mailer.app", "mailer.web.app", "fastapi", "uvicorn", "premailer")
STEPS = {
    "light": [["dev-smtp", "--help"], ["users", "--help"]],
    "background": [["scheduler", "--help"], ["worker", "--help"]],
}


@pytest.fixture(scope="module")
def loaded() -> dict[str, list[str]]:
    """Which of ``WATCHED`` one fresh process has loaded after each step of ``STEPS`` (each
    step asks for its commands' help, after the steps before it)."""
    probe = (
        "import sys\n"
        "from mailer.cli import mailer\n"
        f"for step, commands in {STEPS!r}.items():\n"
        "    for args in commands:\n"
        "        try:\n"
        "            mailer.main(args, prog_name='mailer', standalone_mode=False)\n"
        "        except SystemExit:\n"
        "            pass\n"
        f"    print('loaded', step, sorted(m for m in {WATCHED!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("loaded ")]
    return {step: ast.literal_eval(found) for _, step, found in (x.split(" ", 2) for x in lines)}


@pytest.mark.subprocess
def test_dev_smtp_and_a_subcommands_help_load_neither_the_app_nor_the_web(
    loaded: dict[str, list[str]],
) -> None:
    """`mailer dev-smtp` started in 1.9 s: it loaded the whole CLI, the app and the web app."""
    assert loaded["light"] == []


@pytest.mark.subprocess
def test_the_scheduler_and_the_worker_do_not_load_the_web(loaded: dict[str, list[str]]) -> None:
    """`mailer scheduler` lived with `serve` and loaded the web app and uvicorn: 1.1 s of CPU
    more at every start."""
    assert loaded["background"] == ["mailer.app"]
