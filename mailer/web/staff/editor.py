"""``/staff/issues/<slug>/edit``: the issue editor (settings, a tab per language, item cards,
live preview). docs/editing.md is the guide for comms staff.

The page is one form. Without JavaScript it posts and comes back (``action`` buttons change
the item cards); with it (static/editor.js) the same form is posted in the background a few
seconds after typing stops (``X-Editor: save``: answered in JSON), lint's fast checks and the
preview follow each change, and a stale save opens the conflict panel with the person's text
kept. A save names its base revision; a stale one stores nothing (412 in JSON, else the page
with the conflict panel, 409).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from mailer.core.events import TIMING_KEYS
from mailer.core.issue_diff import Change
from mailer.core.problems import Problem
from mailer.errors import MailerError, NotAllowed, NotFound
from mailer.issues import editing, translations
from mailer.issues.catalogue import drawer
from mailer.issues.desk import Saved
from mailer.issues.drafts import check_draft, missing_in_draft
from mailer.web.staff.editor_form import (
    EditorForm,
    extra_json,
    fallback_text,
    keep_json,
    languages_of,
    read_form,
)
from mailer.web.staff.session import Posted, PostedForm, Session, SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep, request_language, sentence, staff_site

EDIT = f"{PREFIX}/issues/{{slug}}/edit"
COMMON_ZONES = (
    "UTC",
    "Europe/Belgrade",
    "Europe/Skopje",
    "Europe/Minsk",
    "Asia/Tbilisi",
    "Asia/Baku",
    "Asia/Bishkek",
    "Asia/Ashgabat",
    "Europe/Kyiv",
    "Europe/Moscow",
)


def strings_for(request: Request) -> tuple[str, dict[str, str]]:
    """The editor's words (the ``editor`` table of the staff catalog) in the language of the
    staff pages for ``request``."""
    language = request_language(request)[0]
    session = getattr(request.state, "staff", None)
    language = getattr(session, "language", None) or language
    return language, staff_site(request).texts(language)["editor"]


def problem_key(key: str) -> str:
    """Lint's ``items[2] (clubs).content.ka.title`` as the page names the field:
    ``items[2].content.ka.title``."""
    if key.startswith("items[") and " (" in key:
        head, _, rest = key.partition(" (")
        _, _, tail = rest.partition(")")
        return head + tail
    return key


_LABELS = {
    "subject": "subject",
    "preheader": "preheader",
    "intro": "intro",
    "title": "item_title",
    "summary": "item_summary",
    "image_alt": "item_alt",
    "link": "item_link",
    "image": "item_image",
    "kind": "item_kind",
    "timezone": "item_timezone",
}
_FIELD = re.compile(
    r"(?:items\[\d+\] \((?P<item>[^)]*)\)\.)?(?:content\.(?P<lang>[\w-]+)\.)?(?P<name>\w+)"
)


def field_label(key: str, words: dict[str, str]) -> str:
    """Lint's key in the page's words: ``items[2] (clubs).content.ka.title`` → "clubs: Title
    (ka)"; a key it does not know is shown as it is."""
    match = _FIELD.fullmatch(key)
    if match is None:
        return key
    name = match.group("name")
    label = words.get(_LABELS.get(name, name), name)
    if match.group("lang"):
        label = f"{label} ({match.group('lang')})"
    return f"{match.group('item')}: {label}" if match.group("item") is not None else label


def _by_key(problems: list[Problem]) -> dict[str, list[Problem]]:
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        found.setdefault(problem_key(problem.key), []).append(problem)
    return found


@cache
def _zones() -> list[str]:
    return [*COMMON_ZONES, *sorted(available_timezones() - set(COMMON_ZONES))]


def _draw(
    site: Site,
    request: Request,
    session: Session,
    slug: str,
    document: dict[str, Any],
    *,
    base_revision: int,
    status: int = 200,
    conflict: editing.Conflicting | None = None,
    notice: str = "",
    saved_at: str = "",
) -> Response:
    opened = editing.open_editor(site.app.issue_desk(), slug, site.app.templates)
    check = check_draft(site.app.issue_desk(), slug, document)
    lang, words = strings_for(request)
    by_key = _by_key(check.problems)
    drawn = _drawn_keys(document)
    states = translations.states(site.app.issue_desk(), slug)
    return site.page(
        "editor.html.j2",
        status=status,
        session=session,
        slug=slug,
        issue=opened.issue,
        choices=opened.choices,
        all_lists=sorted({*(n for n in opened.choices.lists), *document.get("lists", [])}),
        document=document,
        items=[i for i in document.get("items", []) if isinstance(i, dict)],
        resolved=check.resolved_items,
        updates=opened.updates,
        keep=keep_json,
        languages=[t for t in languages_of(", ".join(document.get("languages", []))) if t],
        fallback=fallback_text(document.get("fallback")),
        extra=extra_json(document),
        base_revision=base_revision,
        check=check,
        missing=check.missing,
        by_key=by_key,
        other_problems=[p for p in check.problems if problem_key(p.key) not in drawn],
        error_count=len(check.errors),
        conflict=conflict,
        notice=notice,
        saved_at=saved_at,
        zones=COMMON_ZONES,
        library=drawer(site.app.issue_desk(), document, now=site.app.clock()),
        e=words,
        label=lambda key: field_label(key, words),
        page_lang=lang,
        js_strings=words,
        tstates={f"{lang}|{f.id}": f for lang, fields in states.items() for f in fields},
        stale={lang: sum(f.state == "stale" for f in fields) for lang, fields in states.items()},
    )


def _drawn_keys(document: dict[str, Any]) -> set[str]:
    """The problem keys the page shows beside a field (the rest are listed in the settings)."""
    keys = {"lists", "segment", "template", "languages", "fallback", "send_at", "timezone"}
    keys |= {"series", "period"}
    languages = [t for t in document.get("languages", []) if isinstance(t, str)]
    for language in languages:
        keys |= {f"content.{language}.{k}" for k in ("subject", "preheader", "intro")}
    for n, _ in enumerate(document.get("items", [])):
        keys |= {f"items[{n}].{k}" for k in ("id", "link", "image", "countries", "interests")}
        keys |= {f"items[{n}].{k}" for k in TIMING_KEYS}
        keys.add(f"items[{n}].approach")
        for language in languages:
            keys |= {f"items[{n}].content.{language}.{k}" for k in ("title", "summary")}
            keys.add(f"items[{n}].content.{language}.image_alt")
    return keys


router = APIRouter()


@router.get(EDIT)
def edit_page(
    slug: str,
    request: Request,
    session: SignedIn,
    saved: str = "",
    updated: str = "",
    *,
    site: SiteDep,
) -> Response:
    try:
        view = editing.open_editor(site.app.issue_desk(), slug, site.app.templates).issue
    except NotFound as exc:
        return site.error(request, 404, sentence(exc))
    at = f"{view.saved_at:%H:%M}" if saved == str(view.revision) else ""
    _, words = strings_for(request)
    notice = words["approaches_updated"].format(n=updated) if updated.isdigit() else ""
    return _draw(
        site,
        request,
        session,
        slug,
        dict(view.document),
        base_revision=view.revision,
        saved_at=at,
        notice=notice,
    )


def _saved_json(
    saved: Saved | editing.Conflicting, at: datetime, missing: dict[str, list[str]]
) -> Response:
    """The script's answer: the new revision, lint's problems of it (the ones every save
    runs) and what each language lacks; the live check adds the audience."""
    if isinstance(saved, editing.Conflicting):
        return JSONResponse(saved.as_json(), status_code=412)
    errors = sum(1 for p in saved.problems if p.severity == "error")
    return JSONResponse(
        {
            **saved.as_json(),
            "saved_at": f"{at:%H:%M}",
            "errors": errors,
            "missing": missing,
        }
    )


@router.post(EDIT)
def save_page(slug: str, request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    """Save the form as a new revision (JSON for the page's script, else back to the page)."""
    form = read_form(posted.form)
    overwrite = posted.text("overwrite")
    base = int(overwrite) if overwrite.isdigit() else form.base_revision
    now = site.app.clock()
    try:
        saved = editing.save_draft(
            site.app.issue_desk(),
            slug,
            form.document,
            base_revision=base,
            by=posted.session.account.actor,
            now=now,
            message=form.message or None,
        )
    except MailerError as exc:
        return refused(site, request, exc)
    if request.headers.get("x-editor") == "save":
        missing = missing_in_draft(site.app.issue_desk(), slug, form.document)
        return _saved_json(saved, now, missing)
    if isinstance(saved, editing.Conflicting):
        return conflict_page(site, request, posted, slug, form, saved)
    if posted.text("action"):  # a card added, moved or removed: back to the page, same place
        return RedirectResponse(f"{PREFIX}/issues/{slug}/edit#items", status_code=303)
    return RedirectResponse(f"{PREFIX}/issues/{slug}/edit?saved={saved.revision}", 303)


def conflict_page(
    site: Site,
    request: Request,
    posted: Posted,
    slug: str,
    form: EditorForm,
    saved: editing.Conflicting,
) -> Response:
    """The page again with the conflict panel: the person's text kept beside the other's."""
    return _draw(
        site,
        request,
        posted.session,
        slug,
        form.document,
        base_revision=form.base_revision,
        status=409,
        conflict=saved,
    )


@router.post(f"{PREFIX}/issues/{{slug}}/submit")
def submit_page(slug: str, request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    """Save the form, then submit that revision for review."""
    form = read_form(posted.form)
    try:
        saved = editing.save_and_submit(
            site.app.issue_desk(),
            slug,
            form.document,
            base_revision=form.base_revision,
            by=posted.session.account.actor,
            now=site.app.clock(),
        )
    except MailerError as exc:
        return refused(site, request, exc)
    if isinstance(saved, editing.Conflicting):
        return conflict_page(site, request, posted, slug, form, saved)
    _, words = strings_for(request)
    view = editing.open_editor(site.app.issue_desk(), slug, site.app.templates).issue
    return _draw(
        site,
        request,
        posted.session,
        slug,
        dict(view.document),
        base_revision=view.revision,
        notice=words["submitted"],
    )


def refused(site: Site, request: Request, exc: MailerError) -> Response:
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, NotAllowed) else 400
    if request.headers.get("x-editor") == "save":
        return JSONResponse({"error": sentence(exc)}, status_code=status)
    return site.error(request, status, sentence(exc), back=str(request.url.path))


def change_rows(changes: list[Change]) -> list[dict[str, str | None]]:
    return [{"field": c.field, "theirs": c.before, "yours": c.after} for c in changes]
