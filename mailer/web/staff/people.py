"""``/staff/people``: find a person by a prefix of their address or name (no case, no
accents); the actions of a person's page (``/staff/subscribers/person``): edit, take off a
list, send the confirmation again, lift a suppression, erase. Each is logged with who and when
and answers with the person's page (a redirect), or the page again with the reason."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from mailer.errors import Conflict, InvalidRecord, MailerError, NotFound
from mailer.subscriptions import audience, directory, staff_people
from mailer.web.staff.session import Posted, PostedForm, SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep, sentence

router = APIRouter()
PERSON = f"{PREFIX}/subscribers/person"


@router.get(f"{PREFIX}/people")
def search(session: SignedIn, site: SiteDep, q: str = "") -> Response:
    hits, more = staff_people.search(site.app.database, q) if q.strip() else ([], False)
    return site.page("people.html.j2", session=session, q=q, hits=hits, more=more)


def person_page(
    site: Site, request: Request, email: str, *, status: int = 200, error: str = ""
) -> Response:
    """One person's page: everything held, the forms, and the change log."""
    session = request.state.staff
    try:
        record = staff_people.person(site.app.database, email)
    except (NotFound, MailerError) as exc:
        code = 404 if isinstance(exc, NotFound) else 400
        return site.error(request, code, sentence(exc), back=f"{PREFIX}/people")
    done = request.query_params.get("done", "")
    return site.page(
        "person.html.j2",
        status=status,
        session=session,
        person=record,
        options=audience.options(site.app.database),
        error=error,
        notice=site.texts(session.language)["person"].get(f"done_{done}", "") if done else "",
    )


def _back(email: str, done: str) -> Response:
    return RedirectResponse(f"{PERSON}?email={quote(email, safe='')}&done={done}", 303)


def _refused(site: Site, request: Request, form: Posted, exc: MailerError) -> Response:
    if isinstance(exc, InvalidRecord):
        message = "; ".join(str(p) for p in exc.problems)
    else:
        message = sentence(exc)
    status = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 400
    return person_page(site, request, form.text("email"), status=status, error=message)


@router.post(f"{PREFIX}/people/edit")
def edit(request: Request, form: PostedForm, site: SiteDep) -> Response:
    email = form.text("email")
    changes = directory.Changes(
        name=form.text("name"),
        country=form.text("country"),
        language=form.text("language"),
        interests=[str(v) for v in form.form.getlist("interests")],
    )
    try:
        staff_people.edit(
            site.app.database, email, changes, by=form.session.account.email, now=site.app.clock()
        )
    except MailerError as exc:
        return _refused(site, request, form, exc)
    return _back(email, "edited")


@router.post(f"{PREFIX}/people/leave")
def leave(request: Request, form: PostedForm, site: SiteDep) -> Response:
    email = form.text("email")
    changes = directory.Changes(unsubscribe=[form.text("list")])
    try:
        staff_people.edit(
            site.app.database, email, changes, by=form.session.account.email, now=site.app.clock()
        )
    except MailerError as exc:
        return _refused(site, request, form, exc)
    return _back(email, "left")


@router.post(f"{PREFIX}/people/lift")
def lift(request: Request, form: PostedForm, site: SiteDep) -> Response:
    email = form.text("email")
    try:
        staff_people.lift_suppression(
            site.app.database,
            email,
            form.text("reason"),
            by=form.session.account.email,
            now=site.app.clock(),
        )
    except MailerError as exc:
        return _refused(site, request, form, exc)
    return _back(email, "lifted")


@router.post(f"{PREFIX}/people/confirm")
async def resend(request: Request, form: PostedForm, site: SiteDep) -> Response:
    email = form.text("email")
    try:
        sent = await site.app.resend_confirmation(email, by=form.session.account.email)
    except MailerError as exc:
        return await asyncio.to_thread(_refused, site, request, form, exc)
    return _back(email, "confirmation_sent" if sent else "confirmation_failed")


@router.post(f"{PREFIX}/people/erase")
def erase(request: Request, form: PostedForm, site: SiteDep) -> Response:
    email = form.text("email")
    try:
        staff_people.erase(
            site.app.database,
            email,
            form.text("confirm"),
            by=form.session.account.email,
            now=site.app.clock(),
        )
    except MailerError as exc:
        return _refused(site, request, form, exc)
    return RedirectResponse(f"{PREFIX}/people?erased=1", 303)
