"""Whom a link from a message names, for the public pages (see ``mailer.core.owners``)."""

from __future__ import annotations

from mailer.core.owners import Named, Owner
from mailer.db import Database, links


def link_owner(database: Database, named: Named) -> Owner | None:
    """The subscriber a signed link names, with their link nonce; ``None`` when nobody holds
    it any more: erased, an id that came back, or a link from before link nonces for an id
    given out since."""
    with database.read() as conn:
        return links.subscriber_named(conn, named)
