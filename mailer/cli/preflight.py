"""``mailer preflight`` and ``mailer dkim keygen``: is DNS ready for sending, and a DKIM key."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mailer.cli.issue_ref import issue_of
from mailer.cli.root import EXIT_BAD_INPUT, mailer, state
from mailer.core.dkim_keys import key_name
from mailer.core.preflight import Report, txt_record
from mailer.smtp.dkim import create_key_file

EXIT_FAILING = 1
MARKS = {"pass": "pass", "warn": "WARN", "fail": "FAIL"}


def print_report(report: Report, *, err: bool = False) -> None:
    width = max((len(check.name) for check in report.checks), default=0)
    for check in report.checks:
        click.echo(f"{MARKS[check.status]}  {check.name:{width}}  {check.detail}", err=err)
        if check.fix and check.status != "pass":
            click.echo(f"      {'':{width}}  fix: {check.fix}", err=err)


@mailer.command("preflight")
@click.argument("issue", required=False, metavar="[campaigns/SLUG | SLUG]")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def preflight_command(ctx: click.Context, issue: str | None, as_json: bool) -> None:
    """Check DKIM, SPF, DMARC and the bounce MX in DNS (and an issue's messages); print the
    records to publish. Exit 0 when nothing fails, 1 when something does, 2 for bad input."""
    with state(ctx).app() as app:
        stored = issue_of(app, issue) if issue else None
        report = app.preflight().run(stored, fresh=True)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print_report(report)
        click.echo(f"{report.errors} error(s), {report.warnings} warning(s)")
    if report.errors:
        ctx.exit(EXIT_FAILING)


@mailer.group()
def dkim() -> None:
    """DKIM keys for signing in mailer."""


@dkim.command("keygen")
@click.option("--selector", required=True, help="Names the key: <selector>._domainkey.<domain>.")
@click.option("--domain", required=True, help="The signing domain (d=), the From's domain.")
@click.option(
    "--bits", type=click.Choice(["1024", "2048", "3072", "4096"]), default="2048", show_default=True
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the private key (default: var/dkim/<selector>.<domain>.pem).",
)
@click.pass_context
def keygen(ctx: click.Context, selector: str, domain: str, bits: str, out: Path | None) -> None:
    """Write a new private key (mode 0600) and print the TXT record to publish."""
    selector, domain = selector.strip().lower(), domain.strip().lower().rstrip(".")
    labels = [*selector.split("."), *domain.split(".")]
    if not all(label and label.replace("-", "").replace("_", "").isalnum() for label in labels):
        click.echo(f"error: {selector!r} / {domain!r}: expected DNS names", err=True)
        ctx.exit(EXIT_BAD_INPUT)
    path = out or Path("var/dkim") / f"{selector}.{domain}.pem"
    record = create_key_file(path, bits=int(bits))
    click.echo(f"private key written to {path} (mode 0600, {bits} bits)")
    click.echo("publish this TXT record:")
    click.echo(f"  {txt_record(key_name(selector, domain), record)}")
    click.echo("then set in the config file:")
    click.echo(f'  [dkim]\n  selector = "{selector}"\n  domain = "{domain}"')
    click.echo(f'  private_key_file = "{path}"')
    click.echo("and check it with `mailer preflight` once DNS shows it")
