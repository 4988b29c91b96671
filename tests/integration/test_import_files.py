"""Import files that cannot be read, or only partly: clear reasons, exit codes, row numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailer.db import Database
from tests.conftest import Cli, table_count


def import_file(cli: Cli, path: Path, *extra: str) -> tuple[int, str, str]:
    result = cli("subscribers", "import", str(path), "--list", "members", "--json", *extra)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "file is empty"),
        (b"  \n\n", "file is empty"),
        (b"name,country\nAna,GE\n", "no 'email' column"),
        ("email,name\nana@example.org,Ана\n".encode("utf-16"), "UTF-16"),
        ("email,name\nana@example.org,Анна\n".encode("cp1251"), "not UTF-8"),
        (b"email,email\na@example.org,b@example.org\n", "appears twice"),
    ],
)
def test_unreadable_files_exit_2_with_the_reason(
    cli: Cli, db: Database, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    code, stdout, stderr = import_file(cli, path)
    assert code == 2
    assert reason in stderr
    assert str(path) in stderr
    assert stdout == ""
    assert table_count(db, "subscriber") == 0


def test_missing_file(cli: Cli, tmp_path: Path) -> None:
    code, _, stderr = import_file(cli, tmp_path / "nope.csv")
    assert code == 2
    assert "file not found" in stderr


def test_named_encoding_is_used(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes("email,name\nanna@example.org,Анна\n".encode("cp1251"))
    code, stdout, _ = import_file(cli, path, "--encoding", "cp1251")
    assert code == 0
    assert json.loads(stdout)["created"] == 1
    person = json.loads(cli("subscribers", "show", "anna@example.org", "--json").stdout)
    assert person["name"] == "Анна"


def test_bom_before_the_header_is_fine(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"\xef\xbb\xbfEmail,Name\r\nana@example.org,Ana\r\n")
    code, stdout, _ = import_file(cli, path)
    assert code == 0
    assert json.loads(stdout)["created"] == 1


def test_bad_bytes_late_in_the_file_make_only_their_row_invalid(cli: Cli, tmp_path: Path) -> None:
    good = "".join(f"member{i}@example.org,Name {i}\n" for i in range(3000))
    path = tmp_path / "in.csv"
    path.write_bytes(b"email,name\n" + good.encode() + b"late@example.org,Andr\xe9\n")
    code, stdout, _ = import_file(cli, path)
    assert code == 0
    report = json.loads(stdout)
    assert report["created"] == 3000
    assert report["invalid"] == [
        {"row": 3002, "field": "name", "error": "contains bytes that are not valid UTF-8"}
    ]


def test_broken_records_are_reported_by_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "email,name,notes\n"
        'ana@example.org,Ana,"met in Tbilisi\nand in Baku"\n'  # a line break inside quotes is fine
        'bea@example.org,"Bea\nBcc: x@y.example",\n'  # but not in a name (it goes into To:)
        "bob@example.org,Bob,,extra\n"
        '"a@b.c\r\nBcc: x@y.example",Eve,\n'  # header injection attempt in an address
        'carl@example.org,"Carl\n'  # unterminated: runs to the end of the file
        "dora@example.org,Dora\n"
    )
    code, stdout, _ = import_file(cli, path)
    assert code == 0
    report = json.loads(stdout)
    assert report["created"] == 1
    rows = {(p["row"], p["field"]): p["error"] for p in report["invalid"]}
    assert rows[(4, "name")] == "contains a control character or line break"
    assert "has 4 fields but the header has 3" in rows[(6, "")]
    assert rows[(7, "email")] == "contains a control character or line break"
    assert "unterminated quoted field" in rows[(9, "")]
    assert len(rows) == 4
    person = json.loads(cli("subscribers", "show", "ana@example.org", "--json").stdout)
    assert person["attributes"] == {"notes": "met in Tbilisi\nand in Baku"}


def test_control_characters_in_fields(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("email,name\nana@example.org,An\x00a\nbob@example.org,Bob\n")
    _, stdout, _ = import_file(cli, path)
    report = json.loads(stdout)
    assert report["created"] == 1
    assert report["invalid"][0]["row"] == 2
    assert report["invalid"][0]["field"] == "name"
