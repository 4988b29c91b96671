"""The installed program: console script, `python -m mailer`, the demo, the README's promises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest

from mailer import issues
from mailer.access import staff
from mailer.app import App
from mailer.cli import mailer
from mailer.config import load_settings
from mailer.db import Database
from tests.conftest import REPO
from tests.waiting import PATIENCE

README = (REPO / "README.md").read_text()


def run(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MAILER_")}
    return subprocess.run(
        args,
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=2 * PATIENCE,
    )


@pytest.mark.subprocess
def test_python_dash_m_and_console_script() -> None:
    module = run(sys.executable, "-m", "mailer", "--help")
    assert module.returncode == 0
    assert "subscribers" in module.stdout
    script = shutil.which("mailer", path=str(Path(sys.executable).parent))
    assert script is not None
    version = run(script, "--version")
    assert version.returncode == 0
    assert "mailer, version" in version.stdout


@pytest.mark.subprocess
def test_demo_runs_end_to_end_on_sqlite(tmp_path: Path) -> None:
    database, preview, outbox = tmp_path / "demo.db", tmp_path / "preview", tmp_path / "outbox"
    result = run(
        sys.executable,
        "-m",
        "mailer",
        "demo",
        "--database",
        str(database),
        "--preview",
        str(preview),
        "--outbox",
        str(outbox),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "299 created, 1 updated, 0 unchanged, 0 suppressed, 5 invalid rows" in out
    assert "importing it again: 0 created, 0 updated, 300 unchanged" in out
    # it leaves make serve a config and a staff login that signs in
    login = re.search(r"sign in as staff@example\.org with the password (\S+)$", out, re.MULTILINE)
    assert login is not None
    config = (tmp_path / "demo.toml").read_text()
    assert f'url = "sqlite:///{database}"' in config
    assert f'outbox = "{outbox}"' in config
    settings = load_settings(tmp_path / "demo.toml", environ={})
    now = datetime.now(UTC).replace(tzinfo=None)
    database_of_demo = Database(settings.database.url)
    hasher = staff.password_hasher(settings.web.password_profile)
    signed_in = staff.sign_in(
        database_of_demo, "staff@example.org", login.group(1), now=now, hasher=hasher
    )
    assert signed_in.outcome == "ok"
    assert signed_in.account is not None
    assert signed_in.account.role == "admin"
    # the sample issue is stored, as the staff UI's editor reads it
    desk = App(settings).issue_desk()
    assert "2026-12-digest" in [found.slug for found in issues.list_issues(desk)]
    stored = issues.get_issue(desk, "2026-12-digest")
    assert stored.state == "sent"
    assert stored.document["languages"] == ["en", "ru", "ka", "sr"]
    assert [p for p in stored.problems if p.severity == "error"] == []
    desk.database.dispose()
    database_of_demo.dispose()
    assert re.search(r"^\s+GE\s+\d+$", out, re.MULTILINE)
    assert re.search(r"^\s+fatherhood\s+\d+$", out, re.MULTILINE)
    lines = out.splitlines()
    segment_count = lines[next(i for i, x in enumerate(lines) if x.startswith("== segment")) + 1]
    assert segment_count.strip().isdigit()
    assert int(segment_count) > 0
    assert "0 error(s)" in out  # the sample issue lints clean
    assert sorted(p.name for p in preview.iterdir()) == sorted(
        f"{language}.{suffix}"
        for language in ("en", "ru", "ka", "sr", "sr-Latn")  # sr-Latn: made from the Cyrillic
        for suffix in ("html", "txt", "eml")
    )
    assert "299 recipients; per language:" in out
    assert re.search(r"per language: .*\bka \d+", out)
    assert "sent 299  deferred 0  failed 0" in out
    # the second sample issue: a webinar in each reader's own time (docs/events.md)
    assert "KG ru: среда, 20 января 2027\u202fг., 19:00–20:30, по вашему времени (Бишкек)" in out
    assert "MK en: Wednesday, January 20, 2027, 14:00–15:30 (Skopje)" in out
    assert len(list((outbox / "new").iterdir())) == 299
    assert re.search(r"^\s+\d+\s+ru\s+[a-z-]+", out, re.MULTILINE)  # a variant line
    # the sample issue's series fires its occurrence once; a second fire does nothing
    assert re.search(r"next: (\d{4}-\d\d-\d\dT09:00:00\+0[12]:00(, )?){3}$", out, re.MULTILINE)
    assert re.search(
        r"occurrence 2026-12 \(planned 2026-12-01T09:00:00\+01:00, fired now\): "
        r"started, 2026-12-digest: 299 deliveries queued",
        out,
    )
    assert "the same occurrence fired again: nothing done" in out
    # a one-off send due now takes the same path; nobody approved it, so it is missed
    assert (
        "occurrence once:2026-12-announcement: missed, 2026-12-announcement was not "
        "approved by its send time"
    ) in out
    # a hard and a soft bounce come back through the receiver and change two subscribers
    assert re.search(r"recorded: hard 5\.1\.1 \S+ \(by token\): suppressed", out)
    assert re.search(r"recorded: soft 5\.2\.2 \S+ \(by token\): score 0\.5", out)
    assert re.search(r": status bounced, bounce score 0$", out, re.MULTILINE)
    assert re.search(r": status active, bounce score 0\.5$", out, re.MULTILINE)


def _resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    """As click finds them: ``get_command`` loads a command's modules (``COMMANDS``)."""
    command: click.Command = mailer
    rest = words[1:]
    while rest and isinstance(command, click.Group):
        found = command.get_command(click.Context(command), rest[0])
        if found is None:
            break
        command = found
        rest.pop(0)
    return command, rest


def test_every_command_the_readme_names_exists() -> None:
    named = {m.group(1) for m in re.finditer(r"`(mailer(?: [a-z][a-z-]*)+)", README)}
    assert len(named) >= 10
    for text in named:
        command, rest = _resolve(text.split())
        assert command is not mailer, f"README names `{text}`, not a command"
        assert not (isinstance(command, click.Group) and rest), (
            f"README names `{text}`, not a command"
        )


@pytest.mark.parametrize("target", ["demo", "test"])
def test_readme_shows_make_targets(target: str) -> None:
    assert f"make {target}" in README
    assert re.search(rf"^{target}:", (REPO / "Makefile").read_text(), re.MULTILINE)
