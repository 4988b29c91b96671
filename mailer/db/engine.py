"""The database handle: engine set-up per dialect, transactions, and error translation.

SQLite runs in WAL mode with ``synchronous=FULL`` (a committed ``sent`` must survive power
loss); the sending loop's ledger writes use ``synchronous=NORMAL`` on their own connection
(``durable=False``, ``db/writer.py``: a process crash loses nothing, power loss may lose the
last commits, which then send again). Write transactions start with ``BEGIN IMMEDIATE``, so a
writer waits for the lock up front (``busy_timeout``) instead of failing half-way with
"database is locked".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from mailer.db import migrate
from mailer.errors import DatabaseUnavailable, SchemaOutOfDate, StorageError

Connection = sa.Connection
BUSY_TIMEOUT_MS = 30_000


def _sqlite_file(url: sa.URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_engine(url: str, *, durable: bool = True, **kwargs: Any) -> sa.Engine:
    """An engine for ``url``; SQLite gets its pragmas, PostgreSQL the psycopg 3 driver.

    ``durable=False``: SQLite's ``synchronous=NORMAL`` (no fsync at each commit in WAL mode).
    """
    parsed = sa.make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, **kwargs)
        _configure_sqlite(engine, "FULL" if durable else "NORMAL")
        return engine
    # psycopg prepares a statement after 5 runs and PostgreSQL may then switch it to a generic
    # plan made when a table was still small: an import's look-ups went to sequential scans and
    # took 1,000x longer. Custom plans keep the prepared parse and plan each run on real values.
    # JIT compilation cost 210 ms of a 260 ms segment count (the EXISTS subplans inflate the
    # estimated cost past jit_above_cost); our queries are short, so it is off.
    connect_args = {"options": "-c plan_cache_mode=force_custom_plan -c jit=off"}
    connect_args.update(kwargs.pop("connect_args", {}))
    return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _configure_sqlite(engine: sa.Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def hide_password(url: str) -> str:
    """``url`` with its password shown as ``***`` (for output and logs)."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):  # not a URL SQLAlchemy reads: mask by shape
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def describe(exc: sa.exc.SQLAlchemyError) -> str:
    """A one-line reason without SQL or parameters (which may hold personal data)."""
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# What a restart, a dropped connection or a lock raises; anything else fails again if retried.
_PASSING = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def storage_error(url: str, exc: sa.exc.SQLAlchemyError) -> StorageError:
    """The error to raise for ``exc``: ``DatabaseUnavailable`` when trying again may help."""
    passing = isinstance(exc, _PASSING) or getattr(exc, "connection_invalidated", False)
    kind = DatabaseUnavailable if passing else StorageError
    return kind(f"database {url}: {describe(exc)}")


class Database:
    """Owns the engine; hands out transactions whose errors are ``mailer.errors``."""

    def __init__(self, url: str, *, durable: bool = True, **kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, durable=durable, **kwargs)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        try:
            with self.engine.execution_options(immediate=True).begin() as connection:
                yield connection
        except sa.exc.SQLAlchemyError as exc:
            raise storage_error(self.safe_url, exc) from exc

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """One read transaction (never commits)."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except sa.exc.SQLAlchemyError as exc:
            raise storage_error(self.safe_url, exc) from exc

    def ping(self) -> None:
        """Raises ``StorageError`` unless the database answers a trivial query."""
        with self.read() as connection:
            connection.exec_driver_sql("SELECT 1")

    def upgrade(self) -> tuple[str | None, str]:
        try:
            return migrate.upgrade(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise storage_error(self.safe_url, exc) from exc

    def ensure_schema(self) -> None:
        """Apply migrations to the embedded database; elsewhere insist on ``mailer db upgrade``."""
        try:
            at = migrate.current(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise storage_error(self.safe_url, exc) from exc
        head = migrate.head()
        if at == head:
            return
        if self.dialect == "sqlite":
            self.upgrade()
            return
        state = "has no schema yet" if at is None else f"is at revision {at}, the code needs {head}"
        raise SchemaOutOfDate(f"database {self.safe_url} {state}: run `mailer db upgrade`")

    def dispose(self) -> None:
        self.engine.dispose()
