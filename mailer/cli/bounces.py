"""``mailer bounces parse``: what each returned message means, one line (or JSON object) a file."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from mailer.cli.root import mailer, state
from mailer.core.bounces import Kind, classify
from mailer.core.tokens import read_token

MAX_BYTES = 25 * 1024 * 1024


@mailer.group()
def bounces() -> None:
    """Bounces and complaints."""


@bounces.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one a line.")
@click.pass_context
def parse_command(ctx: click.Context, files: tuple[Path, ...], as_json: bool) -> None:
    """Classify returned messages: hard, soft, delayed, complaint, auto_reply or not_bounce.

    A file that cannot be read is reported as not_bounce with an error; the next goes on.
    """
    settings = state(ctx).settings()
    settings.require_secret()
    keys = {"k1": settings.secrets.key}
    logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)  # it logs its own crashes
    for path in files:
        record: dict[str, object] = {"file": str(path)}
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ValueError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
            report = classify(path.read_bytes())
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            record.update(kind=Kind.NOT_BOUNCE.value, recipients=[], status=None,
                          diagnostic=None, delivery=None, error=reason)  # fmt: skip
        else:
            subject = read_token(keys, "bounce", report.token) if report.token else None
            delivery = int(subject[1:]) if subject and subject[1:].isdigit() else None
            record.update(
                kind=report.kind.value,
                recipients=list(report.recipients),
                status=report.status,
                diagnostic=report.diagnostic,
                delivery=delivery,
            )
            if report.policy:
                record["policy"] = True
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            who = ", ".join(record["recipients"]) or "-"  # type: ignore[arg-type]
            extra = f" ({record['error']})" if "error" in record else ""
            click.echo(f"{path}\t{record['kind']}\t{record['status'] or '-'}\t{who}{extra}")
