"""``mailer interests list|add|title|rename|merge|publish|hide`` and ``mailer lists title``."""

from __future__ import annotations

import json

import click

from mailer.cli.lists import lists
from mailer.cli.root import mailer, state
from mailer.core.vocabulary import parse_titles
from mailer.subscriptions import interests as use_case
from mailer.subscriptions.interests import InterestWord

TITLES = click.argument("titles", nargs=-1, metavar="[LANGUAGE=TITLE]...")


def _line(word: InterestWord) -> str:
    shown = "public " if word.public else "private"
    titles = "  ".join(f"{tag}={title}" for tag, title in sorted(word.titles.items()))
    return f"{word.slug}\t{shown}\t{word.subscribers} subscribers\t{titles}".rstrip()


@mailer.group()
def interests() -> None:
    """The interest vocabulary: slugs, titles per language, public or private."""


@interests.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def interests_list(ctx: click.Context, as_json: bool) -> None:
    """Every interest: slug, public or private, followers, titles."""
    with state(ctx).app() as app:
        words = use_case.list_interests(app.database)
    for word in words:
        if as_json:
            record = {
                "slug": word.slug,
                "public": word.public,
                "subscribers": word.subscribers,
                "titles": dict(word.titles),
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(_line(word))
    if not words and not as_json:
        click.echo("no interests yet; add one with `mailer interests add SLUG en=Title`", err=True)


@interests.command("add")
@click.argument("slug")
@TITLES
@click.option("--public", is_flag=True, help="Offer it on the public forms now (needs en=…).")
@click.pass_context
def interests_add(ctx: click.Context, slug: str, titles: tuple[str, ...], public: bool) -> None:
    """Add an interest, e.g. `mailer interests add fatherhood en=Fatherhood ka=მამობა`."""
    with state(ctx).app() as app:
        word = use_case.add_interest(app.database, slug, titles=parse_titles(titles), public=public)
    click.echo(_line(word))


@interests.command("title")
@click.argument("slug")
@TITLES
@click.pass_context
def interests_title(ctx: click.Context, slug: str, titles: tuple[str, ...]) -> None:
    """Set titles of an interest per language (`ru=Отцовство`; `ru=` removes one)."""
    pairs = {tag.strip(): title for tag, _, title in (pair.partition("=") for pair in titles)}
    with state(ctx).app() as app:
        word = use_case.set_titles(app.database, slug, pairs)
    click.echo(_line(word))


@interests.command("rename")
@click.argument("slug")
@click.argument("new_slug")
@click.pass_context
def interests_rename(ctx: click.Context, slug: str, new_slug: str) -> None:
    """Change an interest's slug; its subscribers keep it."""
    with state(ctx).app() as app:
        word = use_case.rename(app.database, slug, new_slug)
    click.echo(_line(word))


@interests.command("merge")
@click.argument("slug")
@click.argument("into")
@click.pass_context
def interests_merge(ctx: click.Context, slug: str, into: str) -> None:
    """Move every subscriber of SLUG to INTO, then delete SLUG."""
    with state(ctx).app() as app:
        word, moved = use_case.merge(app.database, slug, into)
    click.echo(f"merged {slug!r} into {word.slug!r}: {moved} subscribers gained it")
    click.echo(_line(word))


@interests.command("publish")
@click.argument("slug")
@click.option("--hide", is_flag=True, help="Stop offering it on the public forms instead.")
@click.pass_context
def interests_publish(ctx: click.Context, slug: str, hide: bool) -> None:
    """Offer an interest on the subscribe and preferences forms (it needs an English title)."""
    with state(ctx).app() as app:
        word = use_case.publish(app.database, slug, public=not hide)
    click.echo(_line(word))


@lists.command("title")
@click.argument("name")
@click.argument("language")
@click.argument("title")
@click.option("--description", default="", help="Shown under the title on the public forms.")
@click.pass_context
def lists_title(ctx: click.Context, name: str, language: str, title: str, description: str) -> None:
    """What readers of LANGUAGE see of list NAME (an empty TITLE removes it)."""
    with state(ctx).app() as app:
        use_case.title_list(app.database, name, language, title=title, description=description)
    click.echo(f"list {name!r} in {language}: {title or '(removed)'}")
