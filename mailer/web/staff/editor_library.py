"""The issue editor's "update available": ``POST /staff/issues/<slug>/take-updates`` saves the
form (so nothing typed is lost; a stale base shows the conflict panel), then pins the issue's
approaches to the library's current revisions (``mailer.issues.take_updates``), then back to
the editor, which says how many moved. docs/approaches.md says why an issue is pinned."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer import issues
from mailer.errors import MailerError
from mailer.issues import editing
from mailer.web.staff.editor import conflict_page, refused
from mailer.web.staff.editor_form import read_form
from mailer.web.staff.session import PostedForm
from mailer.web.staff.site import PREFIX, SiteDep

router = APIRouter()


@router.post(f"{PREFIX}/issues/{{slug}}/take-updates")
def take_updates(slug: str, request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    """Take every update the editor offered (or those named in ``approach``, repeated)."""
    named = [v for v in posted.form.getlist("approach") if isinstance(v, str) and v]
    form = read_form(posted.form)
    try:
        saved = editing.save_draft(
            site.app.issue_desk(),
            slug,
            form.document,
            base_revision=form.base_revision,
            by=posted.session.account.actor,
            now=site.app.clock(),
        )
        if isinstance(saved, editing.Conflicting):
            return conflict_page(site, request, posted, slug, form, saved)
        moved = issues.take_updates(
            site.app.issue_desk(),
            slug,
            by=posted.session.account.actor,
            now=site.app.clock(),
            only=named or None,
        )
    except MailerError as exc:
        return refused(site, request, exc)
    return RedirectResponse(f"{PREFIX}/issues/{slug}/edit?updated={len(moved)}", 303)
