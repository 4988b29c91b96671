"""The review acts on one issue, each a POST that redirects back to the issue's page (so a
reload never repeats it), or shows the page again with the reason: submit for review,
approve (never by whoever saved the revision while four eyes are on: 403 even for a forged
form), send back with a comment, comment, schedule."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer import issues
from mailer.core.text import is_ascii_digits
from mailer.errors import InvalidValue, MailerError
from mailer.web.staff.campaigns import posted_send_time
from mailer.web.staff.issues import ISSUES, issue_url, refused
from mailer.web.staff.session import Posted, PostedForm
from mailer.web.staff.site import SiteDep

router = APIRouter()
ACT = f"{ISSUES}/{{slug}}"


def _revision(form: Posted) -> int:
    """The revision the person saw on the page (the act is refused if it is not current)."""
    text = form.text("revision")
    if not is_ascii_digits(text) or len(text) > 9:
        raise InvalidValue("revision", "the form does not say which revision it was about")
    return int(text)


def _done(slug: str, done: str) -> Response:
    return RedirectResponse(issue_url(slug, done), status_code=303)


@router.post(f"{ACT}/submit")
def submit(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    try:
        issues.submit_for_review(
            site.app.issue_desk(),
            slug,
            by=form.session.account.actor,
            now=site.app.clock(),
            revision=_revision(form),
        )
    except MailerError as exc:
        return refused(site, request, form, slug, exc)
    return _done(slug, "submitted")


@router.post(f"{ACT}/approve")
def approve(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    try:
        issues.approve(
            site.app.issue_desk(),
            slug,
            _revision(form),
            by=form.session.account.actor,
            now=site.app.clock(),
        )
    except MailerError as exc:
        return refused(site, request, form, slug, exc)
    return _done(slug, "approved")


@router.post(f"{ACT}/send-back")
def send_back(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    try:
        issues.send_back(
            site.app.issue_desk(),
            slug,
            by=form.session.account.actor,
            comment=form.text("comment"),
            now=site.app.clock(),
        )
    except MailerError as exc:
        return refused(site, request, form, slug, exc)
    return _done(slug, "sent_back")


@router.post(f"{ACT}/comment")
def comment(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    try:
        issues.comment(
            site.app.issue_desk(),
            slug,
            form.text("comment"),
            by=form.session.account.actor,
            now=site.app.clock(),
            revision=_revision(form),
        )
    except MailerError as exc:
        return refused(site, request, form, slug, exc)
    return _done(slug, "commented")


@router.post(f"{ACT}/schedule")
def schedule(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    t = site.words(request)["campaign"]
    zone = form.text("timezone")
    try:
        send_at = posted_send_time(form.text("send_at"), zone, t)
        issues.schedule(
            site.app.issue_desk(),
            slug,
            send_at=send_at,
            by=form.session.account.actor,
            now=site.app.clock(),
            force_preflight=form.text("force_preflight") == "yes",
        )
    except MailerError as exc:
        return refused(site, request, form, slug, exc)
    return _done(slug, "scheduled")
