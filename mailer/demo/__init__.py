"""``mailer demo``: the main job end to end on the embedded default (SQLite).

``run`` is the whole demo; ``mailer.cli.demo`` is the command that parses its options and calls
it. ``tour`` imports, counts and composes, ``sending`` fires the sample series and sends through
a capture SMTP server then bounces two messages back, ``web`` leaves ``make serve`` a config file
and a staff login.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from mailer.demo import events, sending, tour, vocabulary, web
from mailer.demo.setup import Setup

DEMO_ORGANISATION = {
    "name": "EECA MenEngage Platform",
    "address": "Example Street 1, 11000 Belgrade, Serbia",
    "website": "https://example.org",
}


@dataclass(frozen=True)
class DemoPaths:
    file: Path  # the subscribers to import
    database: Path  # a fresh SQLite file, replaced on every run
    campaign: Path  # the sample issue's folder
    preview: Path  # where the previews are written
    outbox: Path  # the capture SMTP server's Maildir, emptied on every run


def run(setup: Setup, paths: DemoPaths) -> None:
    """The main job on a fresh SQLite file: import, counts, compose, send, bounces, web login."""
    database = paths.database
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    setup.override("database.url", f"sqlite:///{database}")
    serve_config = database.parent / "demo.toml"
    setup.override("secrets.key", web.demo_key(serve_config))
    if not setup.settings().organisation.address:  # an unconfigured machine: a sample footer
        for key, value in DEMO_ORGANISATION.items():
            setup.override(f"organisation.{key}", value)
    with setup.app(require_secret=False) as app:
        tour.import_and_count(app, paths.file, database)
        vocabulary.seed(app)
        tour.compose(app, paths.campaign, paths.preview)
        events.show(app, paths.campaign.parent / "2027-01-webinars")
    sending.send(setup, paths.campaign, paths.outbox)
    settings = setup.settings()
    with setup.app(require_secret=False) as app:
        web.write_config(
            serve_config,
            database=database,
            outbox=paths.outbox,
            key=settings.secrets.key,
            organisation=app.organisation,
        )
        password = web.add_staff(app)
        draft = web.draft_issue(app, "2026-12-digest")
    click.secho("== the web UI", bold=True)
    click.echo(
        f"  make serve, then open {settings.web.base_url}/staff/ and sign in as "
        f"{web.STAFF_EMAIL} with the password {password}"
    )
    click.echo(
        f"  (settings in {serve_config}; the public pages: {settings.web.base_url}/subscribe)"
    )
    click.echo(
        f"  the issue editor: {settings.web.base_url}/staff/issues/{draft}/edit (docs/editing.md)"
    )
