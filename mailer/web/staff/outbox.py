"""``/staff/outbox``: the messages ``mailer dev-smtp`` captured in its Maildir (``[web] outbox``).

For development and demos: see what subscribers would get without sending anything. Text is
shown escaped; HTML only in a sandboxed ``<iframe>`` served with a ``sandbox`` policy.
"""

from __future__ import annotations

import mailbox
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime

from fastapi import APIRouter, Request, Response

from mailer.web.staff.previews import message_html
from mailer.web.staff.session import SignedIn
from mailer.web.staff.site import PREFIX, Site, SiteDep

LISTED = 200
KEY = re.compile(r"[A-Za-z0-9._,:=\\-]{1,200}")
SHOWN_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "X-Capture-Mail-From",
    "X-Capture-Rcpt-To",
)


@dataclass(frozen=True)
class Captured:
    key: str
    sender: str
    recipients: str
    subject: str
    date: str
    sort_key: float


def _box(site: Site) -> mailbox.Maildir | None:
    folder = site.app.settings.web.outbox
    if folder is None:
        return None
    if not (folder / "cur").is_dir() and not (folder / "new").is_dir():
        return None
    return mailbox.Maildir(folder, factory=None, create=False)


def _parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def _summary(key: str, message: EmailMessage) -> Captured:
    try:
        moment = parsedate_to_datetime(str(message.get("Date", ""))).timestamp()
    except (TypeError, ValueError):
        moment = 0.0
    return Captured(
        key,
        str(message.get("From", "")),
        str(message.get("X-Capture-Rcpt-To", "")),
        str(message.get("Subject", "")),
        str(message.get("Date", "")),
        moment,
    )


def captured(site: Site) -> list[Captured] | None:
    """The newest ``LISTED`` captured messages; None when the Maildir does not exist yet."""
    box = _box(site)
    if box is None:
        return None
    found = []
    for key in box.iterkeys():
        try:
            found.append(_summary(key, _parse(box.get_bytes(key))))
        except (KeyError, OSError):  # taken away while we read
            continue
    found.sort(key=lambda item: (item.sort_key, item.key), reverse=True)
    return found[:LISTED]


def one(site: Site, key: str) -> EmailMessage | None:
    box = _box(site)
    if box is None or not KEY.fullmatch(key):
        return None
    try:
        return _parse(box.get_bytes(key))
    except (KeyError, OSError):
        return None


def _part(message: EmailMessage, kind: str) -> str:
    body = message.get_body(preferencelist=(kind,))
    return str(body.get_content()) if body is not None else ""


router = APIRouter()


@router.get(f"{PREFIX}/outbox")
def outbox(request: Request, session: SignedIn, site: SiteDep) -> Response:
    if not site.app.settings.web.outbox:
        return site.error(request, 404, site.words(request)["outbox"]["off"])
    return site.page(
        "outbox.html.j2",
        session=session,
        messages=captured(site),
        folder=site.app.settings.web.outbox,
    )


@router.get(f"{PREFIX}/outbox/{{key}}")
def message_page(key: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    message = one(site, key) if site.app.settings.web.outbox else None
    if message is None:
        return site.error(
            request, 404, site.words(request)["outbox"]["gone"], back=f"{PREFIX}/outbox"
        )
    headers = [(name, str(message.get(name))) for name in SHOWN_HEADERS if name in message]
    return site.page(
        "message.html.j2",
        session=session,
        key=key,
        message_headers=headers,
        text=_part(message, "plain"),
        has_html=bool(_part(message, "html")),
    )


@router.get(f"{PREFIX}/outbox/{{key}}/html")
def message_body(key: str, request: Request, session: SignedIn, site: SiteDep) -> Response:
    message = one(site, key) if site.app.settings.web.outbox else None
    if message is None:
        return site.error(request, 404, site.words(request)["outbox"]["gone"])
    return message_html(_part(message, "html"))
