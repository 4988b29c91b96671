"""Lists, counting, show, export and erase through the CLI, on both databases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from mailer.db import Database
from tests.conftest import Cli, table_count


def seed(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "email,name,country,language,interests,org\n"
        "ana@example.org,Ana,GE,ka,fatherhood;research,Centre\n"
        "bob@example.org,=cmd|' /C calc'!A0,AZ,ru,violence prevention,@risk\n"
        "cem@example.org,Cem,RS,sr-Latn,fatherhood,\n"
    )
    result = cli("subscribers", "import", str(source), "--list", "members")
    assert result.exit_code == 0, result.output


def test_lists_add_list_remove(cli: Cli, tmp_path: Path) -> None:
    assert cli("lists", "add", "partners", "--description", "Partner NGOs").exit_code == 0
    again = cli("lists", "add", "partners")
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    seed(cli, tmp_path)
    listed = [json.loads(line) for line in cli("lists", "list", "--json").stdout.splitlines()]
    assert {(x["name"], x["active"]) for x in listed} == {("members", 3), ("partners", 0)}
    refused = cli("lists", "remove", "members")
    assert refused.exit_code == 2
    assert "--force" in refused.stderr
    assert cli("lists", "remove", "members", "--force").exit_code == 0
    assert cli("lists", "remove", "partners").exit_code == 0
    missing = cli("lists", "remove", "nothing")
    assert missing.exit_code == 2
    assert "no list 'nothing'" in missing.stderr
    assert cli("subscribers", "count").stdout.strip() == "3"  # people stay


def test_count_by_list_segment_and_status(cli: Cli, tmp_path: Path) -> None:
    seed(cli, tmp_path)
    assert cli("subscribers", "count").stdout.strip() == "3"
    count = cli("subscribers", "count", "--list", "members", "--segment", "interest = fatherhood")
    assert count.stdout.strip() == "2"
    segment = "country in (GE, AZ) and not language = ru"
    assert cli("subscribers", "count", "--segment", segment).stdout.strip() == "1"
    assert cli("subscribers", "count", "--segment", "language = sr").stdout.strip() == "1"
    assert cli("subscribers", "count", "--status", "unsubscribed").stdout.strip() == "0"
    unknown = cli("subscribers", "count", "--list", "nope")
    assert unknown.exit_code == 2
    bad = cli("subscribers", "count", "--segment", "country in (GE,")
    assert bad.exit_code == 2
    assert "column" in bad.stderr


def test_show_json_has_status_and_lists(cli: Cli, tmp_path: Path) -> None:
    seed(cli, tmp_path)
    cli(
        "subscribers",
        "import",
        str(tmp_path / "people.csv"),
        "--list",
        "partners",
        "--status",
        "unconfirmed",
    )
    result = cli("subscribers", "show", "ANA@example.org", "--json")
    person = json.loads(result.stdout)
    assert person["status"] == "active"
    assert person["email"] == "ana@example.org"
    assert person["interests"] == ["fatherhood", "research"]
    assert {(x["name"], x["status"]) for x in person["lists"]} == {
        ("members", "active"),
        ("partners", "unconfirmed"),
    }
    assert person["consent"]["source"] == "import:people.csv"
    human = cli("subscribers", "show", "ana@example.org").stdout
    assert "members: active" in human
    missing = cli("subscribers", "show", "nobody@example.org")
    assert missing.exit_code == 2
    assert "no subscriber" in missing.stderr


def test_export_csv_neutralises_formulas_and_reimports(
    cli: Cli, tmp_path: Path, db: Database
) -> None:
    seed(cli, tmp_path)
    result = cli("subscribers", "export", "--list", "members")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["email"] for r in rows] == ["ana@example.org", "bob@example.org", "cem@example.org"]
    bob = rows[1]
    assert bob["name"] == "'=cmd|' /C calc'!A0"
    assert bob["org"] == "'@risk"
    assert rows[0]["interests"] == "fatherhood;research"
    assert "exported 3" in result.stderr
    # the export reads back without creating or changing anyone but the escaped cells
    back = tmp_path / "back.csv"
    back.write_text(result.stdout)
    report = json.loads(
        cli("subscribers", "import", str(back), "--list", "members", "--json").stdout
    )
    assert report["created"] == 0
    assert report["unchanged"] == 2
    assert table_count(db, "subscriber") == 3


def test_export_jsonl_by_segment(cli: Cli, tmp_path: Path) -> None:
    seed(cli, tmp_path)
    result = cli("subscribers", "export", "--format", "jsonl", "--segment", "interest = fatherhood")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["email"] for r in records] == ["ana@example.org", "cem@example.org"]
    assert [(s["name"], s["status"]) for s in records[0]["lists"]] == [("members", "active")]
    assert records[0]["consent"]["source"] == "import:people.csv"
    assert records[0]["attributes"] == {"org": "Centre"}


def test_erase_removes_personal_data_and_keeps_only_a_hash(
    cli: Cli, tmp_path: Path, db: Database
) -> None:
    seed(cli, tmp_path)
    assert cli("subscribers", "erase", "bob@example.org").exit_code == 1  # asks; no answer aborts
    result = cli("subscribers", "erase", "bob@example.org", "--yes")
    assert result.exit_code == 0
    assert table_count(db, "subscriber") == 2
    with db.read() as conn:
        stored = conn.exec_driver_sql("SELECT email_hash, reason FROM suppression").all()
        dump = repr(conn.exec_driver_sql("SELECT * FROM subscriber").all())
    assert len(stored) == 1
    assert stored[0][1] == "erased"
    assert "bob" not in stored[0][0]
    assert "bob" not in dump
    assert "suppressed, erased" in cli("subscribers", "show", "bob@example.org").stderr
