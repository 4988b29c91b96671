"""The issue editor's "Add from library": ``POST /staff/issues/<slug>/library/add`` takes the
editor's whole form (so nothing typed is lost) and the chosen ``approach``, and saves the
issue with one more item that refers to it (``mailer.issues.catalogue.add_from_library``).
A stale form comes back with the editor's conflict panel, like a save."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer.errors import MailerError
from mailer.issues import editing
from mailer.issues.catalogue import add_from_library
from mailer.web.staff.editor import conflict_page, refused
from mailer.web.staff.editor_form import read_form
from mailer.web.staff.session import PostedForm
from mailer.web.staff.site import PREFIX, SiteDep

router = APIRouter()


@router.post(f"{PREFIX}/issues/{{slug}}/library/add")
def add(slug: str, request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    form = read_form(posted.form)
    chosen = posted.text("approach")[:80]
    try:
        saved = add_from_library(
            site.app.issue_desk(),
            slug,
            form.document,
            chosen,
            base_revision=form.base_revision,
            by=posted.session.account.actor,
            now=site.app.clock(),
        )
    except MailerError as exc:
        return refused(site, request, exc)
    if isinstance(saved, editing.Conflicting):
        return conflict_page(site, request, posted, slug, form, saved)
    return RedirectResponse(f"{PREFIX}/issues/{slug}/edit#items", status_code=303)
