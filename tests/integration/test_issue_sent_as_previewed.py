"""Issue 16, "Done when": the mail a subscriber gets is byte for byte what the editor's preview
showed as that subscriber, apart from what names the person (SQLite and PostgreSQL).

An issue drafted through ``mailer.issues``, previewed as one real subscriber through the use
case the editor's preview frame calls, then sent by the real dispatcher to an SMTP server on
127.0.0.1 (port from the OS). The HTML and text parts, decoded, are compared whole; only the
personal link tokens (``/u/<token>``, ``/preferences/<token>``: a preview's name nobody, so
nobody can be unsubscribed from it) are cut to their path on both sides, and the sent parts'
CRLF line breaks (MIME's canonical form of text) read as the preview's LF.
"""

from __future__ import annotations

import asyncio
import re
from email import message_from_bytes
from email.message import EmailMessage, MIMEPart
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.smtp import SMTP

from mailer import issues
from mailer.campaigns import lifecycle
from mailer.issues import drafts
from tests.integration.issue_support import APPROVER, EDITOR, Clock, make_app, sample_document
from tests.integration.test_dispatch import Scripted

SLUG = "2027-01-digest"
READER = "nino@example.org"  # ka, in GE, every interest the sample's items name
PERSONAL_LINK = re.compile(r"/(u|preferences)/[A-Za-z0-9._-]+")


def delivered_parts(data: bytes) -> tuple[EmailMessage, str, str]:
    message = message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert html is not None
    assert text is not None
    # a MIME text part's line breaks are CRLF (RFC 2046 4.1.1); the preview's are the page's
    return message, _lf(html), _lf(text)


def _lf(part: MIMEPart) -> str:
    return str(part.get_content()).replace("\r\n", "\n")


def impersonal(text: str) -> str:
    return PERSONAL_LINK.sub(r"/\1/…", text)


def test_the_sent_mail_is_what_the_preview_showed_as_that_subscriber(
    db_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    handler = Scripted()

    async def draft_preview_send() -> tuple[drafts.DraftPreview, int]:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        app = make_app(db_url, tmp_path, clock, smtp_port=port)
        try:
            desk = app.issue_desk()
            document = sample_document()
            del document["series"], document["period"], document["send_at"]
            issues.create_issue(desk, SLUG, document, by=EDITOR, now=clock.tick())
            issues.submit_for_review(desk, SLUG, by=EDITOR, now=clock.tick())
            issues.approve(desk, SLUG, 1, by=APPROVER, now=clock.tick())
            shown = drafts.preview_current(desk, SLUG, drafts.PreviewAs(email=READER))
            stored = issues.campaign_text(desk, SLUG)
            lifecycle.start(app.database, stored.valid_campaign(), stored.text, now=clock.tick())
            async with server:
                sent = await app.send_until_idle()
        finally:
            app.close()
        return shown, sent

    shown, sent = asyncio.run(draft_preview_send())
    assert sent == 3
    data = next(data for _, to, data in handler.received if to == [READER])
    message, html, text = delivered_parts(data)

    assert (shown.who, shown.language) == (READER, "ka")
    assert str(message["Subject"]) == shown.message.subject
    assert str(message["Content-Language"]) == shown.language
    assert impersonal(html) == impersonal(shown.message.html)
    assert impersonal(text) == impersonal(shown.message.text)
    assert "/u/" in str(message["List-Unsubscribe"])  # the sent mail does name its reader
