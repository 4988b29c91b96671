"""``mailer tokens add|list|revoke``: tokens of the REST API (``Authorization: Bearer …``)."""

from __future__ import annotations

import json

import click

from mailer.access import api_tokens as use_case
from mailer.cli.root import mailer, state
from mailer.core.times import iso_utc

_SCOPE_HELP = "; ".join(f"{name}: {what}" for name, what in use_case.SCOPES.items())


@mailer.group()
def tokens() -> None:
    """REST API tokens (see docs/api.md)."""


@tokens.command("add")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(list(use_case.SCOPES)),
    help=f"What the token may do (repeatable). {_SCOPE_HELP}.",
)
@click.option("--all-scopes", is_flag=True, help="Every scope.")
@click.pass_context
def tokens_add(ctx: click.Context, name: str, scopes: tuple[str, ...], all_scopes: bool) -> None:
    """Create a token NAME and print it once: it is stored only as a hash."""
    chosen = list(use_case.SCOPES) if all_scopes else list(scopes)
    with state(ctx).app() as app:
        created = use_case.add_token(app.database, name, chosen, now=app.clock())
    click.echo(
        f"created API token {created.token.name!r} (id {created.token.id}) with scopes "
        f"{', '.join(created.token.scopes)}; it is shown only now:",
        err=True,
    )
    click.echo(created.secret)


@tokens.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def tokens_list(ctx: click.Context, as_json: bool) -> None:
    """Every token: id, name, scopes, when last used, whether revoked (never the token)."""
    with state(ctx).app() as app:
        found = use_case.list_tokens(app.database)
    for token in found:
        status = "active" if token.active else f"revoked {iso_utc(token.revoked_at)}"
        if as_json:
            record = {
                "id": token.id,
                "name": token.name,
                "scopes": list(token.scopes),
                "created_at": iso_utc(token.created_at),
                "last_used_at": iso_utc(token.last_used_at),
                "revoked_at": iso_utc(token.revoked_at),
            }
            click.echo(json.dumps(record))
        else:
            last = iso_utc(token.last_used_at) or "never"
            click.echo(
                f"{token.id}\t{token.name}\t{' '.join(token.scopes)}\tlast used {last}\t{status}"
            )
    if not found and not as_json:
        click.echo(
            "no API tokens yet; create one with `mailer tokens add NAME --scope …`", err=True
        )


@tokens.command("revoke")
@click.argument("name_or_id")
@click.pass_context
def tokens_revoke(ctx: click.Context, name_or_id: str) -> None:
    """Revoke a token by NAME or ID; requests with it get 401 from now on."""
    with state(ctx).app() as app:
        token = use_case.revoke(app.database, name_or_id, now=app.clock())
    click.echo(f"revoked API token {token.name!r} (id {token.id})")
