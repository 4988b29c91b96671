"""The import use case: validate each record, then apply it to the store a batch at a time.

Per batch, one transaction: look up the batch's addresses, suppression hashes, interests and
subscriptions with a handful of set-based queries, decide in Python, then write with
``executemany``. A bad row is reported and skipped whole; a suppressed or unsubscribed address
is never brought back; importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from mailer.core.privacy import address_hash
from mailer.core.subscribers import (
    FINAL_STATUSES,
    IMPORT_STATUSES,
    SubscriberInput,
    email_key,
    subscriber_from_fields,
)
from mailer.db import Connection, Database, suppression
from mailer.db import interests as interest_queries
from mailer.db import lists as list_queries
from mailer.db import subscribers as queries
from mailer.db.bulk import skip_row_checks
from mailer.db.dialect import refresh_planner_statistics
from mailer.errors import InvalidRecord, InvalidValue
from mailer.importer.reader import ColumnMapping, Record, map_column, open_source

MAX_LISTED_PROBLEMS = 10_000
# Rows a transaction when not configured. SQLite has one writer lock, which senders wait for;
# PostgreSQL locks rows only, and its CPU per imported row fell from 44 to 29 µs (server) when
# batches grew from 1,000 to 4,000 rows (benchmarks/import_and_segment.py, same run).
BATCH_SIZES = {"sqlite": 1_000, "postgresql": 5_000}
ANALYZE_AFTER = 1_000  # rows changed by an import before planner statistics are refreshed


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    field: str
    error: str


@dataclass(frozen=True)
class PreviewRow:
    """One of the file's first records as it will be stored, or why it will not be."""

    row: int
    subscriber: SubscriberInput | None
    problems: list[RowProblem]


@dataclass
class ImportReport:
    path: str
    list_name: str
    list_created: bool = False
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    suppressed: int = 0
    invalid_rows: int = 0
    invalid: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""
    mapping: list[ColumnMapping] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    # interests the file names that did not exist: created private (no form offers them)
    new_interests: list[str] = field(default_factory=list)

    def add_problem(self, row: int, problems: list[tuple[str, str]]) -> None:
        self.invalid_rows += 1
        for field_name, message in problems:
            if len(self.invalid) < MAX_LISTED_PROBLEMS:
                self.invalid.append(RowProblem(row, field_name, message))
            elif len(self.invalid) == MAX_LISTED_PROBLEMS:
                self.invalid.append(RowProblem(None, "", "further invalid rows are not listed"))

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "suppressed": self.suppressed,
            "invalid": [{"row": p.row, "field": p.field, "error": p.error} for p in self.invalid],
            "new_interests": self.new_interests,
        }


@dataclass(frozen=True)
class ImportOptions:
    list_name: str
    status: str = "active"
    dry_run: bool = False
    encoding: str | None = None
    batch_size: int = 0  # rows a transaction; 0: BATCH_SIZES for the database
    max_bytes: int = 0
    preview_rows: int = 0  # how many of the first records the report shows as stored


def import_file(
    database: Database,
    path: Path,
    options: ImportOptions,
    *,
    now: Callable[[], datetime],
) -> ImportReport:
    """Import ``path`` into ``options.list_name``; raises ``ImportFileError`` if unreadable."""
    if options.status not in IMPORT_STATUSES:
        raise InvalidValue("--status", f"must be one of {', '.join(IMPORT_STATUSES)}")
    source = open_source(path, encoding=options.encoding, max_bytes=options.max_bytes)
    report = ImportReport(
        path=str(path),
        list_name=options.list_name,
        dry_run=options.dry_run,
        ignored_columns=source.ignored_columns,
        encoding=source.encoding,
        mapping=list(source.mapping),
    )
    consent_source = f"import:{path.name}"
    list_id = _prepare_list(database, options, report, now())
    batch_size = options.batch_size or BATCH_SIZES.get(database.dialect, 1000)
    records = _previewed(source.records, report, options.preview_rows, source.kind == "jsonl")
    for batch in _valid_batches(records, report, batch_size):
        with database.write() as conn:
            skip_row_checks(conn)  # the writes below take the foreign keys' locks themselves
            # list_id is None only in a dry run on a list that does not exist yet
            applier = _BatchApplier(conn, list_id, options.status, consent_source, now())
            applier.apply(batch, report)
            if options.dry_run:
                conn.rollback()
    if report.created + report.updated >= ANALYZE_AFTER and not options.dry_run:
        with database.write() as conn:
            refresh_planner_statistics(conn)
    return report


def _prepare_list(
    database: Database, options: ImportOptions, report: ImportReport, at: datetime
) -> int | None:
    with database.write() as conn:
        list_id = list_queries.find_list_id(conn, options.list_name)
        if list_id is not None:
            return list_id
        report.list_created = True
        if options.dry_run:
            return None
        return list_queries.insert_list(conn, name=options.list_name, description="", now=at)


def _previewed(
    records: Iterator[Record], report: ImportReport, rows: int, keyed: bool
) -> Iterator[Record]:
    """Passes ``records`` on, keeping the first ``rows`` as they will be stored in
    ``report.preview`` (and, for JSON Lines, the mapping of the keys they use)."""
    seen: dict[str, None] = {}
    for record in records:
        if len(report.preview) < rows:
            report.preview.append(_preview(record))
            if keyed and record.fields is not None:
                seen.update(dict.fromkeys(record.keys or record.fields))
                report.mapping = [map_column(key) for key in seen]
        yield record


def _preview(record: Record) -> PreviewRow:
    if record.fields is None:
        assert record.error is not None
        return PreviewRow(record.line, None, [RowProblem(record.line, *record.error)])
    try:
        return PreviewRow(record.line, subscriber_from_fields(record.fields), [])
    except InvalidRecord as exc:
        problems = [RowProblem(record.line, p.field, p.message) for p in exc.problems]
        return PreviewRow(record.line, None, problems)


def _valid_batches(
    records: Iterator[Record], report: ImportReport, size: int
) -> Iterator[list[tuple[int, SubscriberInput]]]:
    def valid() -> Iterator[tuple[int, SubscriberInput]]:
        for record in records:
            if record.fields is None:
                assert record.error is not None
                report.add_problem(record.line, [record.error])
                continue
            try:
                yield record.line, subscriber_from_fields(record.fields)
            except InvalidRecord as exc:
                report.add_problem(record.line, [(p.field, p.message) for p in exc.problems])

    rows = valid()
    while batch := list(islice(rows, size)):
        yield batch


class _BatchApplier:
    """Decides and writes one batch inside one transaction."""

    def __init__(
        self, conn: Connection, list_id: int | None, status: str, consent_source: str, now: datetime
    ) -> None:
        self.conn = conn
        self.list_id = list_id
        self.status = status
        self.consent_source = consent_source
        self.now = now

    def apply(self, batch: list[tuple[int, SubscriberInput]], report: ImportReport) -> None:
        keys = {row.email: email_key(row.email) for _, row in batch}
        salt = suppression.salt(self.conn)
        hashes = {key: address_hash(salt, key) for key in keys.values()}
        blocked_hashes = suppression.suppressed_hashes(self.conn, hashes.values())
        stored = queries.load_by_keys(self.conn, keys.values(), list_id=self.list_id)
        new: dict[str, queries.StoredSubscriber] = {}
        changed: dict[str, queries.StoredSubscriber] = {}
        list_status: dict[str, str] = {}
        for _line, row in batch:
            key = keys[row.email]
            current = stored.get(key) or new.get(key)
            if hashes[key] in blocked_hashes or (
                current is not None
                and (current.status in FINAL_STATUSES or current.list_status == "unsubscribed")
            ):
                report.suppressed += 1
                continue
            if current is None:
                current = self._new(row, key)
                new[key] = current
                report.created += 1
            elif self._merge(current, row):
                if key not in new:
                    changed[key] = current
                report.updated += 1
            else:
                report.unchanged += 1
            wanted = self._list_status(current)
            if wanted is not None:
                list_status[key] = wanted
        named = {name for s in (*new.values(), *changed.values()) for name in s.interests}
        for slug in interest_queries.unknown_interests(self.conn, named):
            if slug not in report.new_interests:
                report.new_interests.append(slug)
        self._write(new, changed, list_status, stored)

    def _new(self, row: SubscriberInput, key: str) -> queries.StoredSubscriber:
        created = queries.StoredSubscriber(
            id=0,
            email=row.email,
            email_key=key,
            name=row.name or "",
            country=row.country,
            language=row.language,
            status=self.status,
            attributes=dict(row.attributes),
            interests=set(row.interests),
        )
        return created

    def _merge(self, current: queries.StoredSubscriber, row: SubscriberInput) -> bool:
        """Apply the given fields; True when anything the subscriber has changed."""
        before = (
            current.name,
            current.country,
            current.language,
            current.status,
            dict(current.attributes),
            set(current.interests),
            current.list_status,
        )
        if row.name is not None:
            current.name = row.name
        if row.country is not None:
            current.country = row.country
        if row.language is not None:
            current.language = row.language
        if self.status == "active" and current.status == "unconfirmed":
            current.status = "active"
        current.attributes.update(row.attributes)
        current.interests.update(row.interests)
        after_list = self._list_status(current) or current.list_status
        return before != (
            current.name,
            current.country,
            current.language,
            current.status,
            current.attributes,
            current.interests,
            after_list,
        )

    def _list_status(self, current: queries.StoredSubscriber) -> str | None:
        """The subscription status the import wants, or None when nothing changes."""
        if current.list_status is None:
            return self.status
        if current.list_status == "unconfirmed" and self.status == "active":
            return "active"
        return None

    def _write(
        self,
        new: dict[str, queries.StoredSubscriber],
        changed: dict[str, queries.StoredSubscriber],
        list_status: dict[str, str],
        stored: dict[str, queries.StoredSubscriber],
    ) -> None:
        now = self.now
        ids = queries.insert_subscribers(
            self.conn,
            [
                {
                    "email": s.email,
                    "email_key": s.email_key,
                    "name": s.name,
                    "country": s.country,
                    "language": s.language,
                    "status": s.status,
                    "attributes": s.attributes,
                    "created_at": now,
                    "updated_at": now,
                    "consent_source": self.consent_source,
                    "consent_at": now,
                }
                for s in new.values()
            ],
        )
        for key, subscriber_id in ids.items():
            new[key].id = subscriber_id
        queries.update_subscribers(
            self.conn,
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "country": s.country,
                    "language": s.language,
                    "status": s.status,
                    "attributes": s.attributes,
                    "updated_at": now,
                }
                for s in changed.values()
            ],
        )
        touched = [*new.values(), *changed.values()]
        names = {name for s in touched for name in s.interests}
        interest_ids = queries.interest_ids(self.conn, names)
        created = set(ids.values())
        queries.insert_interest_links(
            self.conn,
            {(s.id, interest_ids[name]) for s in touched for name in s.interests},
            created=created,
        )
        if self.list_id is not None and list_status:
            by_id = {
                (new.get(key) or stored[key]).id: status for key, status in list_status.items()
            }
            queries.upsert_subscriptions(self.conn, self.list_id, by_id, now=now, created=created)
