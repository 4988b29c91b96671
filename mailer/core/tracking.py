"""Open and click tracking rules: what a tracking token names, its URLs, the pixel.

An open token signs ``d<delivery id>.<nonce>`` for the purpose ``open``; a click token signs
``d<delivery id>.<nonce>.l<link index>`` for ``click`` (the nonce is the recipient's, see
``mailer.core.owners``), where the index is the link's position in
the issue's link list (see ``mailer.render.tracking.tracked_links``). The destination is
never in the URL: it is looked up from the campaign as started. Tokens are the ones of
``mailer.core.tokens`` (HMAC-SHA256, purpose-bound, key ids).
"""

from __future__ import annotations

import base64
from datetime import timedelta

from mailer.core import owners
from mailer.core.owners import Named, click_subject, delivery_subject, read_delivery
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


class Signer:
    """Tracking URLs of one key (``mailer.core.tokens`` tokens, purposes ``open``/``click``)."""

    def __init__(self, key: str, *, key_id: str | None = None) -> None:
        self.key = key
        self.key_id = key_id or key_id_of(key)

    def token(self, purpose: str, subject: str) -> str:
        return make_token(self.key, purpose, subject, key_id=self.key_id)

    def open_url(self, base_url: str, delivery_id: int, nonce: str) -> str:
        token = self.token(OPEN, delivery_subject(delivery_id, nonce))
        return f"{base_url.rstrip('/')}/t/o/{token}.gif"

    def click_url(self, base_url: str, delivery_id: int, nonce: str, link: int) -> str:
        token = self.token(CLICK, click_subject(delivery_id, nonce, link))
        return f"{base_url.rstrip('/')}/t/c/{token}"


def pixel_tag(url: str) -> str:
    """The open pixel; ``url`` must already be HTML-safe (our own URL, no quotes or ``&``)."""
    return f'<img src="{url}" alt="" width="1" height="1">'


def read_open(keys: dict[str, str], token: str) -> Named | None:
    """The delivery an open token names, or ``None`` for any fault (one answer for all)."""
    return read_delivery(read_token(keys, OPEN, token))


def read_click(keys: dict[str, str], token: str) -> tuple[Named, int] | None:
    """The (delivery, link index) a click token names, or ``None`` for any fault."""
    return owners.read_click(read_token(keys, CLICK, token))
