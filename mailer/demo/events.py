"""The demo's look at webinars and calls: the second sample issue (``2027-01-webinars``) read by
readers in four countries, each seeing the webinar in their own time, and its variants."""

from __future__ import annotations

from pathlib import Path

import click

from mailer.app import App
from mailer.campaigns import folders
from mailer.campaigns.audience import audience
from mailer.core.links import event_calendar_url
from mailer.core.selection import variant_for
from mailer.render.events import event_lines

READERS = (("KG", "ru"), ("AZ", "en"), ("BY", "ru"), ("MK", "en"))


def show(app: App, folder: Path) -> None:
    """Import ``folder`` (a draft), show when its events are for sample readers and how many
    variants its audience needs; nothing when the folder is not there."""
    if not (folder / "campaign.toml").is_file():
        return
    click.secho(f"== webinars and calls in each reader's time: {folder}", bold=True)
    imported = folders.import_folder(app.database, folder, now=app.clock())
    click.echo(f"  {imported.describe()}")
    issue = folders.stored_issue(app.database, imported.slug).valid_campaign()
    for item in issue.items:
        if item.event is None:
            continue
        click.echo(f"  {item.id} ({item.event.starts_at:%Y-%m-%d %H:%M} {item.event.timezone}):")
        for country, language in READERS:
            key = variant_for(issue, language=language, country=country, interests=frozenset())
            strings = app.templates.strings(key.language)
            for line in event_lines(item.event, key.zone, key.language, strings):
                click.echo(f"    {country} {key.language}: {line}")
        url = event_calendar_url(app.settings.web.base_url, issue.slug, item.id, "en")
        click.echo(f"    add to calendar (once approved): {url}")
    report = audience(app.database, app.composer(issue))
    zones = sorted({key.zone or "(no country)" for key in report.by_variant})
    click.echo(
        f"  {len(report.by_variant)} variants for {report.total} recipients: "
        f"one per language and reader's time zone present ({', '.join(zones)})"
    )
