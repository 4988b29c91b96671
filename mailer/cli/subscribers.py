"""``mailer subscribers import|count|export|show|erase|log-tag``."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import click

from mailer.cli.root import EXIT_BAD_INPUT, mailer, state
from mailer.core.privacy import address_tag
from mailer.core.subscribers import IMPORT_STATUSES, STATUSES, normalise_email
from mailer.errors import ImportFileError
from mailer.importer import ImportReport, import_file
from mailer.importer.apply import ImportOptions
from mailer.subscriptions import export as export_use_case
from mailer.subscriptions import people


@mailer.group()
def subscribers() -> None:
    """Subscribers: import, count, export, show, erase, log-tag."""


@subscribers.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--list", "list_name", required=True, help="Target list; created if missing.")
@click.option(
    "--status",
    type=click.Choice(IMPORT_STATUSES),
    default="active",
    show_default=True,
    help="Status of new subscribers (unconfirmed ones need a double opt-in before any issue).",
)
@click.option("--dry-run", is_flag=True, help="Validate and count; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object.")
@click.option("--encoding", help="The file's encoding when it is not UTF-8 (e.g. cp1251).")
@click.pass_context
def import_command(
    ctx: click.Context,
    file: Path,
    list_name: str,
    status: str,
    dry_run: bool,
    as_json: bool,
    encoding: str | None,
) -> None:
    """Import subscribers from a CSV or JSON Lines FILE.

    Columns: email (required), name, country, language, interests (;-separated);
    any other column becomes an attribute.
    """
    with state(ctx).app() as app:
        options = ImportOptions(
            list_name=list_name,
            status=status,
            dry_run=dry_run,
            encoding=encoding,
            batch_size=app.settings.importer.batch_size,
            max_bytes=app.settings.importer.max_bytes,
            preview_rows=PREVIEW_ROWS if dry_run else 0,
        )
        try:
            report = import_file(app.database, file, options, now=app.clock)
        except ImportFileError as exc:
            click.echo(f"error: cannot import {exc}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
    if report.list_created:
        verb = "would create" if dry_run else "created"
        click.echo(f"{verb} list {list_name!r}", err=True)
    if report.ignored_columns:
        click.echo(f"ignored columns: {', '.join(report.ignored_columns)}", err=True)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_summary(report)


def _print_summary(report: ImportReport) -> None:
    prefix = "dry run, nothing stored: " if report.dry_run else ""
    click.echo(
        f"{prefix}{report.path} → list {report.list_name!r}: {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged, "
        f"{report.suppressed} suppressed, {report.invalid_rows} invalid"
    )
    if report.dry_run:
        _print_check(report)
    for problem in report.invalid[:50]:
        where = f"row {problem.row}" if problem.row is not None else "…"
        field = f", {problem.field}" if problem.field else ""
        click.echo(f"  {where}{field}: {problem.error}")
    if len(report.invalid) > 50:
        click.echo(f"  … and {len(report.invalid) - 50} more (use --json for all)")
    if report.new_interests:
        click.echo(
            f"new interests, private until published (mailer interests publish SLUG): "
            f"{', '.join(report.new_interests)}"
        )


PREVIEW_ROWS = 5  # the first rows a dry run shows as they will be stored, as the staff form


def _print_check(report: ImportReport) -> None:
    """What the staff form's check shows: where each column goes, the first rows as stored."""
    if report.encoding:
        click.echo(f"read as {report.encoding}")
    for mapped in report.mapping:
        target = f" {mapped.target}" if mapped.kind != "ignored" and mapped.target else ""
        click.echo(f"  column {mapped.column!r} → {mapped.kind}{target}")
    for shown in report.preview:
        if shown.subscriber is None:
            why = "; ".join(f"{p.field}: {p.error}" if p.field else p.error for p in shown.problems)
            click.echo(f"  row {shown.row}: not stored ({why})")
            continue
        person = shown.subscriber
        parts = [person.email, person.name or "", person.country or "", person.language or ""]
        parts.append(";".join(person.interests))
        click.echo(f"  row {shown.row}: " + " | ".join(parts))


_STATUS_CHOICES = click.Choice([*STATUSES, "any"])


@subscribers.command("count")
@click.option("--list", "list_name", help="Only active subscriptions to this list.")
@click.option("--segment", help='e.g. "country in (GE, AZ) and interest = fatherhood"')
@click.option("--status", type=_STATUS_CHOICES, default="active", show_default=True)
@click.pass_context
def count_command(
    ctx: click.Context, list_name: str | None, segment: str | None, status: str
) -> None:
    """Print the number of subscribers matching."""
    with state(ctx).app() as app:
        n = people.count(
            app.database,
            segment=segment,
            list_name=list_name,
            status=None if status == "any" else status,
        )
    click.echo(n)


@subscribers.command("export")
@click.option("--list", "list_name", help="Only active subscriptions to this list.")
@click.option("--segment", help="Only subscribers matching this segment.")
@click.option("--status", type=_STATUS_CHOICES, default="any", show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--bom",
    is_flag=True,
    help="Start the CSV with a UTF-8 byte-order mark, so that Excel shows Cyrillic and "
    "Georgian intact.",
)
@click.pass_context
def export_command(
    ctx: click.Context,
    list_name: str | None,
    segment: str | None,
    status: str,
    fmt: str,
    bom: bool,
) -> None:
    """Stream subscribers to standard output, in UTF-8."""
    if bom and fmt != "csv":
        raise click.UsageError("--bom is for CSV (Excel); JSON Lines never has one")
    # UTF-8 whatever the locale says: a file for Excel with a BOM must be UTF-8 after it
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
    with state(ctx).app() as app:
        written = export_use_case.export(
            app.database,
            out,
            fmt=fmt,
            segment=segment,
            list_name=list_name,
            status=None if status == "any" else status,
            bom=bom,
        )
    out.flush()
    out.detach()
    click.echo(f"exported {written} subscriber(s)", err=True)


@subscribers.command("show")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def show_command(ctx: click.Context, email: str, as_json: bool) -> None:
    """Print everything stored about one subscriber."""
    with state(ctx).app() as app:
        record = people.show(app.database, email)
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    for key, value in record.items():
        if key == "lists":
            click.echo("lists:")
            for item in value:
                click.echo(f"  {item['name']}: {item['status']} (since {item['subscribed_at']})")
        elif key == "bounces":
            click.echo(f"bounces: {'-' if not value else ''}")
            for item in value:
                status, why = item["status"] or "-", item["diagnostic"] or "no diagnostic"
                head = f"  {item['at']} {item['kind']} {status} via {item['source']}"
                click.echo(f"{head}: {item['action']} ({why})")
        elif isinstance(value, dict):
            click.echo(f"{key}:")
            for inner, inner_value in value.items():
                click.echo(f"  {inner}: {inner_value if inner_value is not None else '-'}")
        elif isinstance(value, list):
            click.echo(f"{key}: {', '.join(value) or '-'}")
        else:
            click.echo(f"{key}: {value if value not in (None, '') else '-'}")


@subscribers.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def erase_command(ctx: click.Context, email: str, yes: bool) -> None:
    """Remove a person's data for good; only a salted hash stays, so no import brings them back."""
    if not yes:
        click.confirm(f"Erase every record of {email}? This cannot be undone", abort=True)
    with state(ctx).app() as app:
        removed = people.erase(app.database, email, now=app.clock())
    if removed:
        click.echo(f"erased {email}; a salted hash keeps the address suppressed")
    else:
        click.echo(f"no subscriber {email}; its salted hash is on the suppression list now")


@subscribers.command("log-tag")
@click.argument("email")
@click.pass_context
def log_tag_command(ctx: click.Context, email: str) -> None:
    """The tag that stands for EMAIL in the service's logs (which never name an address).

    A short hash keyed with secrets.key: grep the logs for it to find one person's lines.
    """
    settings = state(ctx).settings()
    settings.require_secret()
    click.echo(address_tag(settings.secrets.key, normalise_email(email)))
