"""Export subscribers as CSV or JSON Lines, streamed a page at a time.

CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR)
are prefixed with ``'``. With ``bom`` the CSV starts with a UTF-8 byte-order mark: without it
Excel opens a UTF-8 CSV as the Windows code page of its locale and Cyrillic and Georgian names
come out as mojibake; with it they open intact (LibreOffice and our own import read it too).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import Any, TextIO

from mailer.core.segment_parser import parse_segment
from mailer.core.times import iso_utc
from mailer.db import Database
from mailer.db import subscribers as queries
from mailer.db.segments import audience_clause
from mailer.subscriptions.records import person_record

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_COLUMNS = ("email", "name", "country", "language", "interests", "status", "created_at")


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formula injection (CVE-2021-41270 style)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def export(
    database: Database,
    out: TextIO,
    *,
    fmt: str = "csv",
    segment: str | None = None,
    list_name: str | None = None,
    status: str | None = None,
    bom: bool = False,
) -> int:
    """Write the matching subscribers to ``out``; returns how many were written. ``bom``: a
    CSV for Excel, starting with the UTF-8 byte-order mark (``out`` must encode UTF-8)."""
    parsed = parse_segment(segment) if segment else None
    written = 0
    with database.read() as conn:
        where = audience_clause(conn, segment=parsed, list_name=list_name, status=status)
        writer = None
        attribute_keys: list[str] = []
        if fmt == "csv":
            attribute_keys = [
                k for k in queries.attribute_keys(conn, where) if k not in CSV_COLUMNS
            ]
            if bom:
                out.write(BOM)
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow([*CSV_COLUMNS, *(safe_cell(k) for k in attribute_keys)])
        for page in queries.iter_pages(conn, where):
            ids = [row["id"] for row in page]
            interests = queries.interests_of(conn, ids)
            if writer is not None:
                for row in page:
                    writer.writerow(_csv_row(row, interests[row["id"]], attribute_keys))
            else:
                lists = queries.subscriptions_of(conn, ids)
                for row in page:
                    record = person_record(row, interests[row["id"]], lists[row["id"]])
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += len(page)
    return written


def _csv_row(row: Mapping[str, Any], interests: list[str], keys: list[str]) -> list[str]:
    attributes = row["attributes"] or {}
    cells = [
        row["email"],
        row["name"],
        row["country"] or "",
        row["language"] or "",
        ";".join(interests),
        row["status"],
        iso_utc(row["created_at"]) or "",
        *(str(attributes.get(k, "")) for k in keys),
    ]
    return [safe_cell(cell) for cell in cells]
