"""Schema migrations (Alembic), run on a connection of ours so SQLite pragmas and errors apply."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision the code knows."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: sa.Engine) -> str | None:
    """The revision the database is at; ``None`` for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to ``revision``; idempotent. Returns (before, after)."""
    before = current(engine)
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)
    return before, current(engine) or ""


def autogenerate(engine: sa.Engine, message: str) -> None:
    """Developer helper: write a new migration from the difference to ``schema.metadata``."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
