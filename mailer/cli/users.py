"""``mailer users add|list|role|disable|enable|sign-out``: accounts of the staff web UI."""

from __future__ import annotations

import json
import sys

import click

from mailer.access import staff as use_case
from mailer.cli.root import mailer, state
from mailer.core.issue_workflow import ROLES
from mailer.core.times import iso_utc
from mailer.errors import InvalidValue


@mailer.group()
def users() -> None:
    """Staff accounts (who may sign in at /staff/)."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InvalidValue("password", "nothing on standard input (--password-stdin)")
        return line.rstrip("\r\n")
    password: str = click.prompt(
        "Password", hide_input=True, confirmation_prompt="Repeat the password"
    )
    return password


ROLE_HELP = (
    "editor: drafts issues and submits them for review; approver: also approves, sends back, "
    "schedules and sends; admin: also manages staff accounts and settings."
)


@users.command("add")
@click.argument("email")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@click.option(
    "--role", type=click.Choice(ROLES), default="editor", show_default=True, help=ROLE_HELP
)
@click.pass_context
def users_add(ctx: click.Context, email: str, password_stdin: bool, role: str) -> None:
    """Create a staff account; asks for the password twice (at least 12 characters)."""
    address = use_case.staff_address(email)
    password = use_case.check_password(_read_password(password_stdin))
    with state(ctx).app() as app:
        account = use_case.add_user(
            app.database,
            address,
            password,
            now=app.clock(),
            hasher=app.password_hasher,
            role=role,
        )
    click.echo(f"created staff user {account.email} ({account.role}); sign in at /staff/login")


@users.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.pass_context
def users_role(ctx: click.Context, email: str, role: str) -> None:
    """Give an account another role: editor, approver or admin."""
    with state(ctx).app() as app:
        account = use_case.set_role(app.database, email, role)
    click.echo(f"staff user {account.email} is now {account.role}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """Every staff account, whether it may sign in, when it last did, and its role."""
    with state(ctx).app() as app:
        accounts = use_case.list_users(app.database)
    for account in accounts:
        status = "disabled" if account.disabled else "active"
        last = iso_utc(account.last_login_at)
        if as_json:
            record = {
                "email": account.email,
                "role": account.role,
                "status": status,
                "created_at": iso_utc(account.created_at),
                "last_login_at": last,
            }
            click.echo(json.dumps(record))
        else:
            click.echo(f"{account.email}\t{status}\tlast sign-in {last or 'never'}\t{account.role}")
    if not accounts and not as_json:
        click.echo("no staff users yet; create one with `mailer users add EMAIL`", err=True)


@users.command("disable")
@click.argument("email")
@click.pass_context
def users_disable(ctx: click.Context, email: str) -> None:
    """Stop an account from signing in; its open sessions end for good."""
    with state(ctx).app() as app:
        account = use_case.set_disabled(app.database, email, disabled=True, now=app.clock())
    click.echo(f"disabled staff user {account.email}")


@users.command("enable")
@click.argument("email")
@click.pass_context
def users_enable(ctx: click.Context, email: str) -> None:
    """Let a disabled account sign in again."""
    with state(ctx).app() as app:
        account = use_case.set_disabled(app.database, email, disabled=False, now=app.clock())
    click.echo(f"enabled staff user {account.email}")


@users.command("sign-out")
@click.argument("email")
@click.pass_context
def users_sign_out(ctx: click.Context, email: str) -> None:
    """End every session of an account, in every browser (e.g. a lost laptop)."""
    with state(ctx).app() as app:
        account = use_case.sign_out_everywhere(app.database, email, now=app.clock())
    click.echo(f"signed {account.email} out of every browser")
