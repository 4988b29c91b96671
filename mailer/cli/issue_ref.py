"""How a command names an issue: ``campaigns/SLUG`` (a folder, imported first) or ``SLUG``."""

from __future__ import annotations

from pathlib import Path

import click

from mailer.app import App
from mailer.campaigns.folders import issue_from
from mailer.core.issue_text import IssueText

METAVAR = "campaigns/SLUG | SLUG"


def issue_of(app: App, reference: str) -> IssueText:
    """The stored issue ``reference`` names, after importing its folder (a new revision only
    when the text is new); what the import did goes to stderr when it did something."""
    found, imported = issue_from(
        app.database, reference, Path(app.settings.paths.campaigns), now=app.clock()
    )
    if imported is not None and imported.outcome != "unchanged":
        click.echo(imported.describe(), err=True)
    return found
