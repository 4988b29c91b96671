"""An issue's history: every revision with its author, time and message; what changed
between any two, field by field and language by language, marked word by word; restoring
an old revision as a new one (history is never rewritten)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer import issues
from mailer.errors import MailerError
from mailer.web.staff.issues import ISSUES, issue_url, status_of
from mailer.web.staff.revision_pages import revision_number, shown_changes
from mailer.web.staff.session import PostedForm, Session, SignedIn
from mailer.web.staff.site import Site, SiteDep, sentence

router = APIRouter()


def history_page(
    site: Site, request: Request, session: Session, slug: str, *, status: int = 200, error: str = ""
) -> Response:
    desk = site.app.issue_desk()
    try:
        found = issues.revisions(desk, slug)
    except MailerError as missing:
        return site.error(request, status_of(missing), str(missing))
    current = found[0].number if found else 0
    done = request.query_params.get("done", "")
    return site.page(
        "issue_history.html.j2",
        status=status,
        session=session,
        slug=slug,
        revisions=found,
        current=current,
        a=found[-1].number if found else 0,
        b=current,
        notice=site.words(request)["issue_done"].get(done, ""),
        error=error,
    )


@router.get(f"{ISSUES}/{{slug}}/history")
def history(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    return history_page(site, request, session, slug)


@router.get(f"{ISSUES}/{{slug}}/diff")
def diff(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    desk = site.app.issue_desk()
    names = site.words(request)["issue_fields"]
    try:
        a = revision_number(request.query_params.get("a"), "a")
        b = revision_number(request.query_params.get("b"), "b")
        changes = issues.diff(desk, slug, a, b)
        listed = {r.number: r for r in issues.revisions(desk, slug)}
    except MailerError as exc:
        return history_page(
            site, request, session, slug, status=status_of(exc), error=sentence(exc)
        )
    return site.page(
        "issue_diff.html.j2",
        session=session,
        slug=slug,
        a=listed[a],
        b=listed[b],
        changes=shown_changes(changes, names),
        revisions=sorted(listed.values(), key=lambda r: r.number, reverse=True),
        current=max(listed),
    )


@router.post(f"{ISSUES}/{{slug}}/restore")
def restore(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    try:
        number = revision_number(form.text("number"), "number")
        base = revision_number(form.text("base"), "base")
        saved = issues.restore(
            site.app.issue_desk(),
            slug,
            number,
            by=form.session.account.actor,
            now=site.app.clock(),
            base_revision=base,
        )
    except MailerError as exc:
        return history_page(
            site, request, form.session, slug, status=status_of(exc), error=sentence(exc)
        )
    done = "restored_to_draft" if saved.returned_to_draft else "restored"
    return RedirectResponse(f"{issue_url(slug)}/history?done={done}", status_code=303)
