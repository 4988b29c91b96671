"""Reading import files: encoding checks, CSV and JSON Lines, one record at a time.

Constant memory: the file is decoded as a stream. The first 64 KiB are checked strictly, so a
file in another encoding (a cp1251 export from Excel, UTF-16) is refused before anything is
written; a stray undecodable byte further on makes only its row invalid.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from mailer.core.subscribers import KNOWN_FIELDS
from mailer.core.text import text_encoding
from mailer.errors import ImportFileError

SNIFF_BYTES = 64 * 1024
# The encodings a person chooses among (the staff form, the API): what Excel and LibreOffice write.
ENCODINGS = ("utf-8", "cp1251", "utf-16", "iso-8859-5")
# Header names a spreadsheet may have for our fields (matched without case), in English and in
# Russian, the staff's other language: "Имя" fills name, not an attribute of that name.
COLUMN_ALIASES = {
    "e-mail": "email",
    "email address": "email",
    "mail": "email",
    "эл. почта": "email",
    "электронная почта": "email",
    "имя": "name",
    "фио": "name",
    "страна": "country",
    "язык": "language",
    "интересы": "interests",
}
# Columns an export writes that an import reads back without turning them into attributes.
RESERVED_COLUMNS = frozenset({"status", "created_at", "updated_at", "lists", "bounce_score"})
# A line is one object of flat fields (interests a list, attributes an object): 2 levels. Deeper
# lines are refused before anything walks them (100,000 levels crashed the JSON decoder).
MAX_JSON_DEPTH = 8
TOO_DEEP = f"nested more than {MAX_JSON_DEPTH} levels deep (at most {MAX_JSON_DEPTH})"

csv.field_size_limit(1024 * 1024)


@dataclass(frozen=True)
class Record:
    """One record of the file: ``line`` is where it starts (the header is line 1)."""

    line: int
    fields: dict[str, object] | None
    error: tuple[str, str] | None = None  # (field, message) when the record itself is unreadable
    keys: tuple[str, ...] = ()  # JSON Lines: the line's own keys, as written (for the mapping)


ColumnKind = Literal["field", "attribute", "ignored"]


@dataclass(frozen=True)
class ColumnMapping:
    """Where one column of the file goes: ``kind`` is ``field`` (``target`` one of the known
    fields), ``attribute`` (not a known field: kept as the attribute ``target``) or ``ignored``
    (an export's own column, or a column without a name)."""

    column: str
    kind: ColumnKind
    target: str


def field_name(column: str) -> str:
    """The name a header column or JSON key is read as: a field of ours (or a column of our
    export) in lower case, through ``COLUMN_ALIASES``; any other name as written, trimmed."""
    name = COLUMN_ALIASES.get(column.strip().lower(), column.strip())
    return name.lower() if name.lower() in (*KNOWN_FIELDS, *RESERVED_COLUMNS) else name


def map_column(column: str) -> ColumnMapping:
    """The mapping of a header name (or JSON key) as the reader and validation apply it."""
    name = field_name(column)
    if name in KNOWN_FIELDS:
        return ColumnMapping(column, "field", name)
    if name == "attributes":  # JSON Lines: an object of attributes, each kept by its own name
        return ColumnMapping(column, "attribute", "*")
    if name in RESERVED_COLUMNS or not name:
        return ColumnMapping(column, "ignored", name)
    return ColumnMapping(column, "attribute", name)


@dataclass
class ImportSource:
    path: Path
    kind: str  # "csv" or "jsonl"
    encoding: str
    columns: list[str]
    ignored_columns: list[str]
    records: Iterator[Record]
    mapping: list[ColumnMapping] = field(default_factory=list)  # CSV: one per header column


def _refuse(path: Path, reason: str) -> ImportFileError:
    return ImportFileError(str(path), reason)


def _check_encoding(path: Path, head: bytes, encoding: str | None) -> str:
    if encoding:
        if text_encoding(encoding) is None:
            raise _refuse(path, f"{encoding!r} is not a known text encoding (--encoding)")
        return encoding
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _refuse(
            path, "file is UTF-32 (byte-order mark); save it as UTF-8 or pass --encoding utf-32"
        )
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _refuse(
            path, "file is UTF-16 (byte-order mark); save it as UTF-8 or pass --encoding utf-16"
        )
    else:
        encoding = "utf-8"
    if b"\x00" in head[:4096] and head[:4096].count(b"\x00") > len(head[:4096]) // 4:
        raise _refuse(
            path, "file looks like UTF-16 without a byte-order mark; pass --encoding utf-16"
        )
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError as exc:
        line = head[: exc.start].count(b"\n") + 1
        guess = suggest_encoding(head)
        hint = f"it looks like {guess}; " if guess else ""
        raise _refuse(
            path,
            f"file is not UTF-8: byte 0x{head[exc.start]:02X} on line {line} cannot be decoded; "
            f"{hint}choose its encoding (--encoding, e.g. cp1251, latin-1) or save it as UTF-8",
        ) from None
    return encoding


def suggest_encoding(head: bytes) -> str | None:
    """A guess for a file that is not UTF-8: ``cp1251`` (Excel's Cyrillic on Windows) or
    ``iso-8859-5`` when most bytes above 0x7F are Cyrillic letters in that table, else None."""
    high = [b for b in head if b >= 0x80]
    if len(high) < 4:
        return None
    # cp1251 has р..я at 0xF0-0xFF; ISO-8859-5 has А..П at 0xB0-0xBF: each rare in the other
    if sum(1 for b in high if b >= 0xC0) >= 0.9 * len(high) and any(b >= 0xF2 for b in high):
        return "cp1251"
    if all(0xA1 <= b <= 0xF1 for b in high) and any(0xB0 <= b <= 0xBF for b in high):
        return "iso-8859-5"
    return None


def open_source(path: Path, *, encoding: str | None = None, max_bytes: int = 0) -> ImportSource:
    """Open ``path`` for import or raise ``ImportFileError`` saying why it cannot be read."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise _refuse(path, "is a directory, not a file")
        handle: IO[bytes] = path.open("rb")
    except FileNotFoundError:
        raise _refuse(path, "file not found") from None
    except PermissionError:
        raise _refuse(path, "permission denied") from None
    if max_bytes and size > max_bytes:
        handle.close()
        raise _refuse(
            path,
            f"file is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB "
            "(importer.max_bytes); split it or raise the limit",
        )
    head = handle.read(SNIFF_BYTES)
    try:
        chosen = _check_encoding(path, head, encoding)
    except ImportFileError:
        handle.close()
        raise
    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding=chosen, errors="surrogateescape", newline="")
    first = _first_significant_char(head, chosen)
    if first is None:
        text.close()
        raise _refuse(path, "file is empty")
    kind = "jsonl" if path.suffix.lower() in {".jsonl", ".ndjson"} or first == "{" else "csv"
    if kind == "jsonl":
        return ImportSource(path, kind, chosen, [], [], _jsonl_records(text))
    return _csv_source(path, text, chosen)


def _first_significant_char(head: bytes, encoding: str) -> str | None:
    try:
        sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    except LookupError:
        return None
    stripped = sample.lstrip("\ufeff \t\r\n")
    return stripped[0] if stripped else None


DELIMITERS = (",", ";", "\t")  # what spreadsheets write: Excel in many locales uses ";"


def delimiter_of(header: str) -> str:
    """The delimiter of a CSV whose first line is ``header``: the one of comma, semicolon and
    tab found most often outside quotes (comma when none is)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_source(path: Path, text: io.TextIOWrapper, encoding: str) -> ImportSource:
    first_line = text.readline()
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter_of(first_line), strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        text.close()
        raise _refuse(path, f"cannot read the header line: {exc}") from None
    columns = [field_name(name) for name in header]
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            text.close()
            raise _refuse(path, f"column {name!r} appears twice in the header")
        seen.add(name)
    if "email" not in seen:
        text.close()
        listed = ", ".join(repr(c) for c in columns if c) or "none"
        raise _refuse(path, f"no 'email' column in the header (columns found: {listed})")
    ignored = [c for c in columns if c in RESERVED_COLUMNS]
    records = _csv_records(reader, columns, text)
    mapping = [map_column(name) for name in header]
    return ImportSource(path, "csv", encoding, columns, ignored, records, mapping)


def _csv_records(
    reader: Iterator[list[str]], columns: list[str], text: IO[str]
) -> Iterator[Record]:
    width = len(columns)
    line_num = 1  # the header ended on line 1 (or later, if it had quoted newlines)
    line_num = getattr(reader, "line_num", 1)
    with text:
        while True:
            start = line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line_num = reader.line_num  # type: ignore[attr-defined]
                yield Record(start, None, ("", _csv_message(exc, start, line_num)))
                continue
            line_num = reader.line_num  # type: ignore[attr-defined]
            if not cells or all(not cell.strip() for cell in cells):
                continue
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                message = f"has {len(cells)} fields but the header has {width}"
                yield Record(start, None, ("", message))
                continue
            fields: dict[str, object] = {}
            for name, cell in zip(columns, cells, strict=False):
                if name and name not in RESERVED_COLUMNS:
                    fields[name] = cell
            yield Record(start, fields)


def _csv_message(exc: csv.Error, start: int, end: int) -> str:
    text = str(exc)
    if "unexpected end of data" in text or "EOF" in text:
        return (
            f"unterminated quoted field: the quote opened here runs to the end of the file "
            f"(lines {start}-{end}); close the quote"
        )
    if "field larger than field limit" in text:
        return (
            f"a field over {csv.field_size_limit() // 1024} KiB starts here: most likely a quote "
            f"opened here is never closed; lines {start}-{end} were not imported; close the quote"
        )
    return f"cannot parse the CSV record: {text}"


def _jsonl_records(text: IO[str]) -> Iterator[Record]:
    with text:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except RecursionError:  # the decoder's own depth guard, far past MAX_JSON_DEPTH
                yield Record(number, None, ("", TOO_DEEP))
                continue
            except json.JSONDecodeError as exc:
                yield Record(number, None, ("", f"not valid JSON: {exc.msg} at column {exc.colno}"))
                continue
            except UnicodeDecodeError:
                yield Record(number, None, ("", "contains bytes that are not valid UTF-8"))
                continue
            if not isinstance(value, dict):
                yield Record(number, None, ("", "each line must be a JSON object"))
                continue
            if _deeper_than(value, MAX_JSON_DEPTH):
                yield Record(number, None, ("", TOO_DEEP))
                continue
            yield _json_record(number, value)


def _json_record(number: int, value: dict[str, object]) -> Record:
    """A line's keys read as a header's columns are (``field_name``): two that fill one
    field make the line an error naming both."""
    fields: dict[str, object] = {}
    written: dict[str, str] = {}
    for key, item in value.items():
        name = field_name(key)
        if name in written:
            both = f"keys {written[name]!r} and {key!r} both fill {name!r}"
            return Record(number, None, (name, both), keys=tuple(value))
        written[name] = key
        if name not in RESERVED_COLUMNS:
            fields[name] = item
    return Record(number, fields, keys=tuple(value))


def _deeper_than(value: object, limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` levels (stops looking at ``limit``)."""
    if not isinstance(value, list | dict):
        return False
    if limit == 0:
        return True
    children = value.values() if isinstance(value, dict) else value
    return any(_deeper_than(child, limit - 1) for child in children)
