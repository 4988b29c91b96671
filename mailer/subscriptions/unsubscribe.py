"""Leaving: a subscriber unsubscribes from the lists an issue was sent to.

Used by the ``mailto:unsubscribe+<token>@<bounce domain>`` address of ``List-Unsubscribe``
(RFC 2369), which the bounce receiver accepts; the web pages' one-click POST does the same.
"""

from __future__ import annotations

import tomllib
from datetime import datetime

from mailer.core.owners import Named
from mailer.db import Database, links
from mailer.db import bounces as delivery_queries
from mailer.db import campaigns as stored_campaigns
from mailer.db import subscribers as queries


def unsubscribe_delivery(database: Database, named: Named, *, now: datetime) -> list[str]:
    """Unsubscribes the recipient of the delivery a token names from that issue's lists;
    returns the lists they left (empty when they had left already, or the delivery is gone or
    no longer theirs). Repeating is harmless.
    """
    with database.write() as conn:
        delivery_id = links.delivery_named(conn, named)
        found = None if delivery_id is None else delivery_queries.delivery_by_id(conn, delivery_id)
        if found is None:
            return []
        source = stored_campaigns.by_id(conn, found.campaign_id).source
        lists = tomllib.loads(source).get("lists", [])
        names = [name for name in lists if isinstance(name, str)]
        return queries.unsubscribe(conn, found.subscriber_id, names, now=now)
