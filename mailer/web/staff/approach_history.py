"""An approach's history, like an issue's: every revision (author, time, message), what
changed between any two (field by field, language by language, word by word), and restoring
an old revision as a new one."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer import approaches
from mailer.errors import MailerError
from mailer.web.staff.issues import status_of
from mailer.web.staff.library import LIBRARY
from mailer.web.staff.revision_pages import revision_number, shown_changes
from mailer.web.staff.session import PostedForm, Session, SignedIn
from mailer.web.staff.site import Site, SiteDep, sentence

router = APIRouter()


def history_page(
    site: Site, request: Request, session: Session, slug: str, *, status: int = 200, error: str = ""
) -> Response:
    try:
        found = approaches.approach_revisions(site.app.database, slug)
    except MailerError as exc:
        return site.error(request, status_of(exc), str(exc))
    current = found[0].number if found else 0
    done = request.query_params.get("done", "")
    return site.page(
        "approach_history.html.j2",
        status=status,
        session=session,
        slug=slug,
        revisions=found,
        current=current,
        a=found[-1].number if found else 0,
        b=current,
        notice=site.words(request)["library"]["restored"] if done == "restored" else "",
        error=error,
    )


@router.get(f"{LIBRARY}/{{slug}}/history")
def history(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    return history_page(site, request, session, slug)


@router.get(f"{LIBRARY}/{{slug}}/diff")
def diff(slug: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    names = site.words(request)["issue_fields"]
    database = site.app.database
    try:
        a = revision_number(request.query_params.get("a"), "a")
        b = revision_number(request.query_params.get("b"), "b")
        changes = approaches.approach_diff(database, slug, a, b)
        listed = {r.number: r for r in approaches.approach_revisions(database, slug)}
    except MailerError as exc:
        return history_page(
            site, request, session, slug, status=status_of(exc), error=sentence(exc)
        )
    return site.page(
        "approach_diff.html.j2",
        session=session,
        slug=slug,
        a=listed[a],
        b=listed[b],
        changes=shown_changes(changes, names),
        revisions=sorted(listed.values(), key=lambda r: r.number, reverse=True),
        current=max(listed),
    )


@router.post(f"{LIBRARY}/{{slug}}/restore")
def restore(slug: str, request: Request, form: PostedForm, site: SiteDep) -> Response:
    try:
        number = revision_number(form.text("number"), "number")
        base = revision_number(form.text("base"), "base")
        approaches.restore_approach(
            site.app.database,
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
    return RedirectResponse(f"{LIBRARY}/{slug}/history?done=restored", status_code=303)
