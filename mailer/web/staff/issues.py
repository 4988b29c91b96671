"""``/staff/issues``: the issues stored in the database with their states, the "New issue"
form, and one issue's review page (state, problems, comments, the acts open to the person).
The review acts are in ``issue_review.py``, history, diff and restore in ``issue_history.py``;
the editor page itself is ``/staff/issues/{slug}/edit``."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer import issues
from mailer.errors import Conflict, InvalidValue, MailerError, NotAllowed, NotFound
from mailer.web.staff.campaigns import zone_or_none
from mailer.web.staff.session import Posted, PostedForm, Session, SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep, sentence

ISSUES = f"{PREFIX}/issues"
EDITOR = f"{ISSUES}/{{slug}}/edit"

router = APIRouter()


def status_of(exc: MailerError) -> int:
    """The page's status for a refused act."""
    if isinstance(exc, NotAllowed):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    return 400


def issue_url(slug: str, done: str = "") -> str:
    return f"{ISSUES}/{quote(slug, safe='')}" + (f"?done={done}" if done else "")


def editor_url(request: Request, slug: str) -> str:
    """The editor page when this service has it, else the campaign page of the issue."""
    if any(getattr(route, "path", "") == EDITOR for route in request.app.routes):
        return f"{issue_url(slug)}/edit"
    return f"{PREFIX}/campaigns/{quote(slug, safe='')}"


@router.get(ISSUES)
def issue_list(session: SignedIn, site: SiteDep) -> Response:
    found = issues.list_issues(site.app.issue_desk())
    return site.page("issue_list.html.j2", session=session, issues=found, pipeline=issues.PIPELINE)


@router.get(f"{ISSUES}/new")
def new_form(session: SignedIn, site: SiteDep) -> Response:
    return site.page("issue_new.html.j2", session=session, slug="", title="", error="")


@router.post(f"{ISSUES}/new")
def new_issue(request: Request, form: PostedForm, site: SiteDep) -> Response:
    slug, title = form.text("slug").lower(), form.text("title")
    try:
        issues.start_issue(
            site.app.issue_desk(), slug, title, by=form.session.account.actor, now=site.app.clock()
        )
    except MailerError as exc:
        return site.page(
            "issue_new.html.j2",
            status=status_of(exc),
            session=form.session,
            slug=slug,
            title=title,
            error=sentence(exc),
            field=exc.field if isinstance(exc, InvalidValue) else "",
        )
    return RedirectResponse(issue_url(slug, "created"), status_code=303)


def issue_page(
    site: Site,
    request: Request,
    session: Session,
    slug: str,
    *,
    status: int = 200,
    error: str = "",
    comment: str = "",
) -> Response:
    """The review page of one issue (shown again, with ``error``, after a refused act)."""
    try:
        sheet = issues.review_sheet(site.app.issue_desk(), slug, by=session.account.actor)
    except NotFound as missing:
        return site.error(request, 404, str(missing))
    zone = zone_or_none(str(sheet.issue.document.get("timezone") or "")) or "UTC"
    done = request.query_params.get("done", "")
    return site.page(
        "issue_page.html.j2",
        status=status,
        session=session,
        slug=slug,
        sheet=sheet,
        issue=sheet.issue,
        pipeline=issues.PIPELINE,
        editor=editor_url(request, slug),
        four_eyes=site.app.settings.web.four_eyes,
        zone=zone,
        send_at=str(sheet.issue.document.get("send_at") or "")[:16],
        notice=site.words(request)["issue_done"].get(done, ""),
        error=error,
        comment=comment,
    )


@router.get(f"{ISSUES}/{{slug}}")
def one_issue(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    return issue_page(site, request, session, slug)


def refused(site: Site, request: Request, form: Posted, slug: str, exc: MailerError) -> Response:
    return issue_page(
        site,
        request,
        form.session,
        slug,
        status=status_of(exc),
        error=sentence(exc),
        comment=form.text("comment"),
    )
