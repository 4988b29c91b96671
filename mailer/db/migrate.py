"""Schema migrations (Alembic), run on a connection of ours so SQLite pragmas and errors apply.

Every command's start asks whether the database is at the newest revision; that answer needs
no Alembic (``head`` reads the scripts' own revision lines, ``current`` the version table), so
Alembic, a seventh of a command's start, is imported only to migrate.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from mailer.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_REVISION = re.compile(r'^(down_)?revision(?:\s*:[^=]+)?\s*=\s*(?:"([^"]*)"|None)\s*$', re.M)


def _config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def head() -> str:
    """The newest revision the code knows: the one no script names as its ``down_revision``
    (the files are read once per process: every ``App.start`` asks)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {bool(m[1]): m[2] for m in _REVISION.finditer(script.read_text("utf-8"))}
        if not found:  # __init__.py: not a migration
            continue
        if False not in found or True not in found:
            raise StorageError(f"{script}: no revision and down_revision lines")
        revisions.add(found[False])
        if found[True]:
            parents.add(found[True])
    heads = sorted(revisions - parents)
    if len(heads) != 1:
        raise StorageError(f"{MIGRATIONS}: the migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current(engine: sa.Engine) -> str | None:
    """The revision the database is at; ``None`` for an empty database."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    if len(rows) > 1:
        raise StorageError(f"the database is at {len(rows)} revisions at once: {rows}")
    return str(rows[0][0]) if rows else None


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
                from alembic import command

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
    from alembic import command

    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
