"""``/staff/interests``: the words subscribers read instead of data. Interests (titles per
language, public or private, rename, merge) and the titles of lists, over the use cases in
``mailer.subscriptions.interests`` (the same as ``mailer interests …`` and ``mailer lists
title``). Every POST is CSRF-checked and answers with a redirect that names what was done."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer.core.vocabulary import title_in
from mailer.errors import Conflict, MailerError, NotFound
from mailer.render.catalogs import languages
from mailer.subscriptions import interests as vocabulary
from mailer.subscriptions.lists import list_lists
from mailer.web.staff.session import Posted, PostedForm, Session, SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep, sentence

PAGE = f"{PREFIX}/interests"
DONE = ("added", "titles", "published", "hidden", "renamed", "merged")

router = APIRouter()


def reader_languages() -> tuple[str, ...]:
    """The languages of the public pages: a title can be given in each."""
    return languages("mailer")


def titled(tags: Iterable[str]) -> int:
    """How many languages of the public pages read a title of their own: Latin Serbian
    counts when it has one or the Cyrillic has one (it is transliterated from it)."""
    given = set(tags)
    shown = {tag for tag in reader_languages() if tag in given}
    if "sr" in given and "sr-Latn" in reader_languages():
        shown.add("sr-Latn")
    return len(shown)


def _status(exc: MailerError) -> int:
    return 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 400


def _list_rows(site: Site, language: str) -> list[tuple[str, str, int]]:
    """(name, title in ``language`` or "", languages titled) of every list."""
    titles = vocabulary.list_titles(site.app.database)
    rows = []
    for summary in list_lists(site.app.database):
        entries = titles.get(summary.name, {})
        title = title_in({tag: entry.get("title", "") for tag, entry in entries.items()}, language)
        rows.append((summary.name, title, titled(entries)))
    return rows


def overview(
    site: Site, session: Session, *, error: str = "", status: int = 200, **shown: Any
) -> Response:
    """The page of every interest and list; ``shown`` may hold a ``notice`` and the add
    form's ``values``."""
    return site.page(
        "interests.html.j2",
        status=status,
        session=session,
        words=vocabulary.list_interests(site.app.database),
        lists=_list_rows(site, session.language),
        total=len(reader_languages()),
        title_of=lambda titles: title_in(titles, session.language),
        titled=titled,
        error=error,
        notice=shown.get("notice", ""),
        values=shown.get("values", {}),
    )


@router.get(PAGE)
def interests_page(
    request: Request, session: SignedIn, site: SiteDep, done: str = "", moved: str = ""
) -> Response:
    words = site.words(request)["vocabulary"]
    notice = ""
    if done in DONE:
        notice = words[f"done_{done}"].format(moved=moved if moved.isdigit() else "0")
    return overview(site, session, notice=notice)


def interest_page(
    site: Site, session: Session, slug: str, *, error: str = "", status: int = 200, notice: str = ""
) -> Response:
    words = {word.slug: word for word in vocabulary.list_interests(site.app.database)}
    if slug not in words:
        message = site.texts(session.language)["vocabulary"]["not_found"]
        return site.page("error.html.j2", status=404, session=session, message=message, back=PAGE)
    return site.page(
        "interest.html.j2",
        status=status,
        session=session,
        word=words[slug],
        others=[other for other in words if other != slug],
        tags=reader_languages(),
        error=error,
        notice=notice,
    )


@router.get(f"{PAGE}/edit")
def edit_interest(
    request: Request,
    session: SignedIn,
    site: SiteDep,
    slug: str = "",
    done: str = "",
    moved: str = "",
) -> Response:
    notice = ""
    if done in DONE:
        words = site.words(request)["vocabulary"]
        notice = words[f"done_{done}"].format(moved=moved if moved.isdigit() else "0")
    return interest_page(site, session, slug, notice=notice)


def _back(slug: str, done: str, **more: str) -> RedirectResponse:
    extra = "".join(f"&{name}={quote(value, safe='')}" for name, value in more.items())
    return RedirectResponse(f"{PAGE}/edit?slug={quote(slug, safe='')}&done={done}{extra}", 303)


def _titles(form: Posted) -> dict[str, str]:
    return {
        tag: form.text(f"title-{tag}") for tag in reader_languages() if f"title-{tag}" in form.form
    }


@router.post(f"{PAGE}/add")
def add(form: PostedForm, site: SiteDep) -> Response:
    slug, title = form.text("slug"), form.text("title-en")
    public = form.text("public") == "yes"
    try:
        word = vocabulary.add_interest(
            site.app.database, slug, titles={"en": title} if title else {}, public=public
        )
    except MailerError as exc:
        values = {"slug": slug, "title": title, "public": public}
        return overview(site, form.session, error=sentence(exc), status=_status(exc), values=values)
    return _back(word.slug, "added")


@router.post(f"{PAGE}/titles")
def save_titles(form: PostedForm, site: SiteDep) -> Response:
    slug = form.text("slug")
    try:
        word = vocabulary.set_titles(site.app.database, slug, _titles(form))
    except MailerError as exc:
        return interest_page(site, form.session, slug, error=sentence(exc), status=_status(exc))
    return _back(word.slug, "titles")


@router.post(f"{PAGE}/publish")
def publish(form: PostedForm, site: SiteDep) -> Response:
    slug, public = form.text("slug"), form.text("public") == "yes"
    try:
        word = vocabulary.publish(site.app.database, slug, public=public)
    except MailerError as exc:
        return interest_page(site, form.session, slug, error=sentence(exc), status=_status(exc))
    return _back(word.slug, "published" if public else "hidden")


@router.post(f"{PAGE}/rename")
def rename(form: PostedForm, site: SiteDep) -> Response:
    slug = form.text("slug")
    try:
        word = vocabulary.rename(site.app.database, slug, form.text("new_slug"))
    except MailerError as exc:
        return interest_page(site, form.session, slug, error=sentence(exc), status=_status(exc))
    return _back(word.slug, "renamed")


@router.post(f"{PAGE}/merge")
def merge(form: PostedForm, site: SiteDep) -> Response:
    slug = form.text("slug")
    try:
        word, moved = vocabulary.merge(site.app.database, slug, form.text("into"))
    except MailerError as exc:
        return interest_page(site, form.session, slug, error=sentence(exc), status=_status(exc))
    return _back(word.slug, "merged", moved=str(moved))


def list_page(
    site: Site, session: Session, name: str, *, error: str = "", status: int = 200, notice: str = ""
) -> Response:
    titles = vocabulary.list_titles(site.app.database)
    if name not in titles:
        message = site.texts(session.language)["vocabulary"]["not_found"]
        return site.page("error.html.j2", status=404, session=session, message=message, back=PAGE)
    return site.page(
        "list_titles.html.j2",
        status=status,
        session=session,
        name=name,
        titles=titles[name],
        tags=reader_languages(),
        error=error,
        notice=notice,
    )


@router.get(f"{PREFIX}/lists/edit")
def edit_list(
    request: Request, session: SignedIn, site: SiteDep, name: str = "", done: str = ""
) -> Response:
    notice = site.words(request)["vocabulary"]["done_titles"] if done == "titles" else ""
    return list_page(site, session, name, notice=notice)


@router.post(f"{PREFIX}/lists/titles")
def save_list_titles(form: PostedForm, site: SiteDep) -> Response:
    name = form.text("name")
    entries = {
        tag: (form.text(f"title-{tag}"), form.text(f"description-{tag}"))
        for tag in reader_languages()
        if f"title-{tag}" in form.form
    }
    try:
        vocabulary.set_list_titles(site.app.database, name, entries)
    except MailerError as exc:
        return list_page(site, form.session, name, error=sentence(exc), status=_status(exc))
    return RedirectResponse(f"{PREFIX}/lists/edit?name={quote(name, safe='')}&done=titles", 303)
