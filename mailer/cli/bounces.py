"""``mailer bounces parse|receive|fetch|list|apply|reset|prune``."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from mailer.bounces import history
from mailer.bounces.ingest import check_message, check_size
from mailer.bounces.mailbox import fetch_bounces, mailbox_from
from mailer.cli.root import mailer, state, stop_on_signals
from mailer.core.bounces import Kind, classify
from mailer.core.text import ascii_int, is_ascii_digits
from mailer.core.tokens import delivery_of_bounce_token, keyring
from mailer.errors import BounceRefused
from mailer.smtp.inbound import start_inbound


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
    keys = keyring(settings.secrets.key, settings.secrets.old_keys)
    logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)  # it logs its own crashes
    max_bytes = settings.bounces.max_message_bytes
    for path in files:
        record: dict[str, object] = {"file": str(path)}
        try:
            check_size(path.stat().st_size, max_bytes=max_bytes)  # before reading it
            raw = path.read_bytes()
            check_message(raw, max_bytes=max_bytes, max_mime_depth=settings.bounces.max_mime_depth)
            report = classify(raw)
        except (OSError, ValueError, BounceRefused) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            record.update(
                kind=Kind.NOT_BOUNCE.value,
                recipients=[],
                status=None,
                diagnostic=None,
                delivery=None,
                error=reason,
            )
        else:
            delivery = delivery_of_bounce_token(keys, report.token)
            record.update(
                kind=report.kind.value,
                recipients=list(report.recipients),
                status=report.status,
                diagnostic=report.diagnostic,
                delivery=delivery.id if delivery else None,
            )
            if report.policy:
                record["policy"] = True
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            who = ", ".join(record["recipients"]) or "-"  # type: ignore[arg-type]
            extra = f" ({record['error']})" if "error" in record else ""
            click.echo(f"{path}\t{record['kind']}\t{record['status'] or '-'}\t{who}{extra}")


def split_listen(text: str | None) -> tuple[str, int]:
    if not text:
        raise click.BadParameter("no address: give --listen host:port or set bounces.listen")
    host, sep, port = text.rpartition(":")
    if not sep or not is_ascii_digits(port) or not 0 <= int(port) < 65536:
        raise click.BadParameter(f"{text!r}: expected host:port, e.g. 127.0.0.1:2525")
    return host.strip("[]") or "127.0.0.1", int(port)


@bounces.command("receive")
@click.option("--listen", help="host:port to listen on (default: bounces.listen).")
@click.pass_context
def receive_command(ctx: click.Context, listen: str | None) -> None:
    """Run the bounce domain's SMTP receiver until Ctrl-C or SIGTERM.

    Accepts only bounces+<token>@<bounces.domain> with a valid token, records each bounce,
    applies the policy, and never answers by mail.
    """
    with state(ctx).app() as app:
        host, port = split_listen(listen or app.settings.bounces.listen)
        receiver = app.bounce_receiver()
        limit = app.settings.bounces.max_message_bytes

        async def main() -> None:
            server = await start_inbound(
                receiver.rules(), host, port, hostname=receiver.domain, max_bytes=limit
            )
            bound = server.sockets[0].getsockname()[1]
            click.echo(f"receiving bounces for @{receiver.domain} on {host}:{bound} (Ctrl-C stops)")
            stop = stop_on_signals()
            async with server:
                await stop.wait()
            click.echo(f"received {receiver.received} message(s), {receiver.recorded} bounce(s)")

        asyncio.run(main())


def parse_since(text: str | None, now: datetime) -> datetime | None:
    """``7d``, ``12h`` (before ``now``, naive UTC) or an ISO 8601 date/time (UTC when it has no
    offset)."""
    if not text:
        return None
    units = {"d": "days", "h": "hours", "m": "minutes"}
    amount = ascii_int(text[:-1])
    if amount is not None and text[-1] in units:
        return now - timedelta(**{units[text[-1]]: amount})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r}: expected 7d, 12h or an ISO date") from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


@bounces.command("fetch")
@click.pass_context
def fetch_command(ctx: click.Context) -> None:
    """Read the [bounce_mailbox] IMAP or POP3 mailbox once and record its bounces.

    Recognised bounces and complaints are deleted (or moved to bounce_mailbox.move_to); any
    other message is left where it is, unread.
    """
    with state(ctx).app() as app:
        mailbox = mailbox_from(
            app.settings.bounce_mailbox, max_bytes=app.settings.bounces.max_message_bytes
        )
        if mailbox is None:
            raise click.UsageError(
                "no mailbox configured: set bounce_mailbox.protocol (imap or pop3), host, "
                "username and password"
            )
        result = fetch_bounces(app.bounce_ingest(), mailbox)
    click.echo(
        f"{mailbox.protocol} {mailbox.host}: {result.seen} looked at, {result.recognised} "
        f"recorded and removed, {result.left} left alone, {result.skipped_too_big} too big, "
        f"{result.errors} failed, {result.remaining} for the next run"
    )


@bounces.command("list")
@click.option("--since", help="Only events since: 7d, 12h, or an ISO date/time.")
@click.option("--kind", type=click.Choice(["hard", "soft", "delayed", "complaint", "auto_reply"]))
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event, one a line.")
@click.pass_context
def list_command(
    ctx: click.Context, since: str | None, kind: str | None, limit: int, as_json: bool
) -> None:
    """Recorded bounces and complaints, newest first, with what the policy did.

    An event marked "unverified" changed nobody: nothing vouched that the report concerns the
    person it names (an address-only match, or a name beside the one a VERP token vouches
    for). `mailer bounces apply ID` applies it.
    """
    with state(ctx).app() as app:
        moment = parse_since(since, app.clock())
        rows = history.events(app.database, since=moment, kind=kind, limit=limit)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        mark = "" if row["verified"] or row["applied_by"] else " [unverified]"
        click.echo(
            f"#{row['id']} {row['created_at']}  {row['kind']:<10} {row['status'] or '-':<6} "
            f"{row['recipient']}{mark}  via {row['source']}, {row['campaign'] or '-'}: "
            f"{row['action']}"
        )
    if not rows and not as_json:
        click.echo("no bounces recorded" + (" in that period" if since else ""))


@bounces.command("apply")
@click.argument("event_id", type=click.IntRange(min=1))
@click.pass_context
def apply_command(ctx: click.Context, event_id: int) -> None:
    """Apply the bounce policy for an unverified event EVENT_ID (the #number in `bounces list`).

    Unverified events change nobody until staff decide the report is true: a hard bounce then
    suppresses the address, a complaint unsubscribes it, a soft one adds to the score.
    """
    with state(ctx).app() as app:
        recipient, action = history.apply(
            app.database, event_id, app.bounce_policy(), by="command line", now=app.clock()
        )
    click.echo(f"bounce event {event_id} for {recipient}: {action}")


@bounces.command("reset")
@click.argument("email")
@click.pass_context
def reset_command(ctx: click.Context, email: str) -> None:
    """Clear EMAIL's bounce score (its status and suppression are left as they are)."""
    with state(ctx).app() as app:
        before = history.reset(app.database, email)
    click.echo(f"bounce score of {email} reset (was {before:g})")


@bounces.command("prune")
@click.pass_context
def prune_command(ctx: click.Context) -> None:
    """Drop raw messages older than bounces.raw_retention_days (the events stay)."""
    with state(ctx).app() as app:
        days = app.settings.bounces.raw_retention_days
        before = app.clock().replace(tzinfo=None) - timedelta(days=days)
        dropped = history.forget_raw(app.database, before=before)
    click.echo(f"dropped {dropped} raw message(s) older than {days} days")
