"""Who leads: one scheduler at a time, the others wait as hot standbys.

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own; if
the process dies (or its connection does), PostgreSQL releases the lock and a standby's next
``try_lead`` wins. SQLite has one writer process by design: its scheduler always leads.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from mailer.db.engine import Database

log = logging.getLogger(__name__)
SCHEDULER_LOCK = 0x6D61696C  # "mail": the advisory lock key of the scheduler


class Leadership:
    def __init__(self, database: Database, key: int = SCHEDULER_LOCK) -> None:
        self.database = database
        self.key = key
        self._connection: sa.Connection | None = None

    @property
    def leading(self) -> bool:
        return self._connection is not None or self.database.dialect != "postgresql"

    def try_lead(self) -> bool:
        """Take the lock if it is free; True when this process leads (now or already)."""
        if self.leading:
            return self.still_leading()
        connection = self.database.engine.connect()
        try:
            won = connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            ).scalar_one()
            connection.commit()
        except sa.exc.SQLAlchemyError as exc:
            connection.close()
            log.warning("cannot ask for the scheduler lock: %s", exc)
            return False
        if not won:
            connection.close()
            return False
        self._connection = connection
        return True

    def still_leading(self) -> bool:
        """Checks the lock's connection is alive; a dead one means the lock is gone."""
        if self._connection is None:
            return self.database.dialect != "postgresql"
        try:
            self._connection.execute(sa.text("SELECT 1")).scalar_one()
            self._connection.commit()
        except sa.exc.SQLAlchemyError:
            self.release()
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()  # closes the session: PostgreSQL frees the lock
            finally:
                self._connection = None
