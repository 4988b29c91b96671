"""Bulk inserts on PostgreSQL: COPY into a temporary table, then one INSERT … SELECT.

A multi-row ``INSERT … VALUES`` of 1,000 rows is a statement of ~300 KB that psycopg splits
and PostgreSQL parses for every batch (the largest client cost of an import); COPY streams the
rows in PostgreSQL's text format instead, and one ``INSERT … SELECT … ON CONFLICT DO NOTHING``
moves them into the table. The temporary table has the target's column types, no constraints,
and is dropped at commit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa


def copy_insert(
    conn: sa.Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Writes ``rows`` (values in ``columns`` order) into ``table``, skipping rows that clash
    with a unique key; returns the ``returning`` columns of the rows written. PostgreSQL only.
    Locks the rows it writes."""
    if not rows:
        return []
    # defaults SQLAlchemy makes in Python (a subscriber's link nonce) are made here too
    made = [
        column
        for column in table.c
        if column.name not in columns
        and column.default is not None
        and column.server_default is None
    ]
    if made:
        columns = [*columns, *(column.name for column in made)]
        rows = [[*row, *(_default(column) for column in made)] for row in rows]
    names = ", ".join(f'"{name}"' for name in columns)
    stage = f"stage_{table.name}"
    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{stage}"')
    conn.exec_driver_sql(
        f'CREATE TEMPORARY TABLE "{stage}" ON COMMIT DROP AS '
        f'SELECT {names} FROM "{table.name}" WITH NO DATA'
    )
    json_columns = {i for i, name in enumerate(columns) if _is_json(table.c[name].type)}
    driver = conn.connection.driver_connection
    assert driver is not None  # a live connection inside a transaction
    with driver.cursor() as cursor, cursor.copy(f'COPY "{stage}" ({names}) FROM STDIN') as copy:
        for row in rows:
            if json_columns:
                row = [json.dumps(v) if i in json_columns else v for i, v in enumerate(row)]
            copy.write_row(row)
    statement = (
        f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{stage}" ON CONFLICT DO NOTHING'
    )
    if returning:
        statement += " RETURNING " + ", ".join(f'"{name}"' for name in returning)
        return [tuple(row) for row in conn.exec_driver_sql(statement)]
    conn.exec_driver_sql(statement)
    return []


def _is_json(kind: sa.types.TypeEngine[Any]) -> bool:
    return isinstance(kind, sa.JSON) or isinstance(getattr(kind, "impl", None), sa.JSON)


def _default(column: sa.Column[Any]) -> object:
    default = column.default
    if isinstance(default, sa.ColumnDefault):
        return default.arg(None) if default.is_callable else default.arg
    raise ValueError(f"{column} has a default COPY cannot make")
