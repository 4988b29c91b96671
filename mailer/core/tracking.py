"""Open and click tracking rules: what a tracking token names, its URLs, the pixel.

An open token signs ``d<delivery id>`` for the purpose ``open``; a click token signs
``d<delivery id>.l<link index>`` for ``click``, where the index is the link's position in
the issue's link list (see ``mailer.render.tracking.tracked_links``). The destination is
never in the URL: it is looked up from the campaign as started. Tokens are the ones of
``mailer.core.tokens`` (HMAC-SHA256, purpose-bound, key ids).
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta

from mailer.core.tokens import key_id_of, make_token, read_token

OPEN = "open"
CLICK = "click"
CLICK_FIELD = "click_"  # per-recipient field ``click_<index>``: the tracking URL of one link
PIXEL_FIELD = "open_pixel"  # per-recipient field: the 1x1 image tag (empty in previews)
# Opens and clicks of one delivery (and link) closer together than this are counted once:
# image proxies and link scanners fetch the same URL several times.
REPEAT_WINDOW = timedelta(minutes=1)
# The smallest transparent GIF: 1x1, one colour, fully transparent (43 bytes).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
_OPEN_SUBJECT = re.compile(r"d([1-9][0-9]{0,17})")
_CLICK_SUBJECT = re.compile(r"d([1-9][0-9]{0,17})\.l(0|[1-9][0-9]{0,5})")


def open_subject(delivery_id: int) -> str:
    return f"d{delivery_id}"


def click_subject(delivery_id: int, link: int) -> str:
    return f"d{delivery_id}.l{link}"


class Signer:
    """Tracking URLs of one key (``mailer.core.tokens`` tokens, purposes ``open``/``click``)."""

    def __init__(self, key: str, *, key_id: str | None = None) -> None:
        self.key = key
        self.key_id = key_id or key_id_of(key)

    def token(self, purpose: str, subject: str) -> str:
        return make_token(self.key, purpose, subject, key_id=self.key_id)

    def open_url(self, base_url: str, delivery_id: int) -> str:
        return f"{base_url.rstrip('/')}/t/o/{self.token(OPEN, open_subject(delivery_id))}.gif"

    def click_url(self, base_url: str, delivery_id: int, link: int) -> str:
        token = self.token(CLICK, click_subject(delivery_id, link))
        return f"{base_url.rstrip('/')}/t/c/{token}"


def pixel_tag(url: str) -> str:
    """The open pixel; ``url`` must already be HTML-safe (our own URL, no quotes or ``&``)."""
    return f'<img src="{url}" alt="" width="1" height="1">'


def read_open(keys: dict[str, str], token: str) -> int | None:
    """The delivery an open token names, or ``None`` for any fault (one answer for all)."""
    subject = read_token(keys, OPEN, token)
    match = _OPEN_SUBJECT.fullmatch(subject) if subject else None
    return int(match[1]) if match else None


def read_click(keys: dict[str, str], token: str) -> tuple[int, int] | None:
    """The (delivery, link index) a click token names, or ``None`` for any fault."""
    subject = read_token(keys, CLICK, token)
    match = _CLICK_SUBJECT.fullmatch(subject) if subject else None
    return (int(match[1]), int(match[2])) if match else None
