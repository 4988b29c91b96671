"""Schema migrations (Alembic), run on a connection of ours so SQLite pragmas and errors apply."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from mailer.errors import StorageError

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def head() -> str:
    """The newest revision the code knows (its files are read once per process: every
    ``App.start`` asks)."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: sa.Engine) -> str | None:
    """The revision the database is at; ``None`` for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to ``revision``; idempotent. Returns (before, after).

    On SQLite foreign keys are off while migrations run: a batch migration rebuilds a table
    (new table, copy, drop the old one, rename), and dropping a table with foreign keys on
    deletes every row that refers to it (ON DELETE CASCADE). They are checked before the
    commit instead, and back on afterwards.
    """
    before = current(engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _foreign_keys(connection, "OFF")
        try:
            with connection.begin():
                command.upgrade(_config(connection), revision)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _foreign_keys(connection, "ON")
    return before, current(engine) or ""


def _foreign_keys(connection: sa.Connection, state: str) -> None:
    """On the driver's connection: inside a transaction SQLite ignores this pragma, and
    SQLAlchemy would begin one for a statement of its own."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys = {state}")


def _check_foreign_keys(connection: sa.Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = ", ".join(sorted({str(row[0]) for row in broken}))
        raise StorageError(
            f"the migration left {len(broken)} rows whose foreign keys point nowhere "
            f"(in {tables}); nothing was changed"
        )


def autogenerate(engine: sa.Engine, message: str) -> None:
    """Developer helper: write a new migration from the difference to ``schema.metadata``."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
