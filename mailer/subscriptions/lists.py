"""Managing mailing lists."""

from __future__ import annotations

from datetime import datetime

from mailer.core.subscribers import check_text
from mailer.db import Database
from mailer.db import lists as queries
from mailer.db.lists import ListSummary as ListSummary  # what list_lists returns, for the faces
from mailer.errors import Conflict, InvalidValue


def _checked_name(name: str) -> str:
    cleaned = check_text("list name", name, max_length=100)
    if not cleaned:
        raise InvalidValue("list name", "is empty")
    return cleaned


def add_list(database: Database, name: str, *, description: str = "", now: datetime) -> int:
    """Create a list; a name already taken is a ``Conflict``."""
    cleaned = _checked_name(name)
    with database.write() as conn:
        if queries.find_list_id(conn, cleaned) is not None:
            raise Conflict(f"list {cleaned!r} already exists")
        return queries.insert_list(conn, name=cleaned, description=description, now=now)


def list_lists(database: Database) -> list[ListSummary]:
    with database.read() as conn:
        return queries.list_summaries(conn)


def remove_list(database: Database, name: str, *, force: bool = False) -> int:
    """Delete a list; one with subscriptions needs ``force``. Returns subscriptions removed."""
    with database.write() as conn:
        list_id = queries.get_list_id(conn, name)
        members = queries.count_subscriptions(conn, list_id)
        if members and not force:
            raise Conflict(
                f"list {name!r} has {members} subscription(s); pass --force to remove it with them"
            )
        return queries.delete_list(conn, list_id)
