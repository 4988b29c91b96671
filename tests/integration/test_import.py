"""`mailer subscribers import` on SQLite and PostgreSQL, through the real CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from mailer.db import Database
from mailer.subscriptions import people
from tests.conftest import EXAMPLE_CSV, Cli, table_count


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def imported(cli: Cli, *args: str) -> dict[str, object]:
    result = cli("subscribers", "import", *args, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert isinstance(report, dict)
    return report


def test_example_file_imports_with_its_invalid_rows_reported(cli: Cli) -> None:
    result = cli("subscribers", "import", str(EXAMPLE_CSV), "--list", "members", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {
        "created",
        "updated",
        "unchanged",
        "suppressed",
        "invalid",
        "new_interests",
    }
    assert report["new_interests"] == [
        "caregiving",
        "fatherhood",
        "gender norms",
        "harmful practices",
        "policy advocacy",
        "research",
        "sexual and reproductive health",
        "training",
        "violence prevention",
        "youth engagement",
    ]
    assert report["created"] == 299
    assert report["updated"] == 1  # the same address typed in capitals merges into one person
    fields = {(p["row"], p["field"]) for p in report["invalid"]}
    assert fields == {
        (33, "email"),
        (94, "email"),
        (155, "country"),
        (216, "language"),
        (277, "email"),
    }
    assert "created list 'members'" in result.stderr
    assert cli("subscribers", "count", "--list", "members").stdout.strip() == "299"


def test_importing_the_same_file_again_changes_nothing(cli: Cli, db: Database) -> None:
    first = imported(cli, str(EXAMPLE_CSV), "--list", "members")
    again = imported(cli, str(EXAMPLE_CSV), "--list", "members")
    assert again["created"] == again["updated"] == 0
    assert again["unchanged"] == int(first["created"]) + int(first["updated"])  # type: ignore[call-overload]
    assert table_count(db, "subscriber") == 299


def test_human_summary_and_list_creation_notice(cli: Cli, tmp_path: Path) -> None:
    source = write(tmp_path / "s.csv", "email,name\nana@example.org,Ana\nbroken@,X\n")
    result = cli("subscribers", "import", str(source), "--list", "news")
    assert result.exit_code == 0
    assert "1 created" in result.stdout
    assert "row 3, email" in result.stdout
    assert "created list 'news'" in result.stderr


def test_update_merges_fields_and_keeps_what_the_file_leaves_empty(
    cli: Cli, tmp_path: Path
) -> None:
    write(
        tmp_path / "a.csv",
        "email,name,country,interests,org\nana@example.org,Ana,GE,fatherhood,NGO\n",
    )
    imported(cli, str(tmp_path / "a.csv"), "--list", "members")
    write(
        tmp_path / "b.csv", "email,name,country,interests,city\nANA@example.org,,AZ,research,Baku\n"
    )
    report = imported(cli, str(tmp_path / "b.csv"), "--list", "members")
    assert report["updated"] == 1
    person = json.loads(cli("subscribers", "show", "ana@example.org", "--json").stdout)
    assert person["name"] == "Ana"
    assert person["country"] == "AZ"
    assert person["interests"] == ["fatherhood", "research"]
    assert person["attributes"] == {"org": "NGO", "city": "Baku"}
    assert person["email"] == "ana@example.org"


def test_text_that_copy_escapes_comes_back_as_written(cli: Cli, tmp_path: Path) -> None:
    """PostgreSQL imports stream rows with COPY: tabs, backslashes, quotes, a line break and
    \\N in a value are data, never COPY syntax."""
    tricky = 'Ana\t"O\\Neil"\\N'
    path = tmp_path / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(
            [["email", "name", "city"], ["ana@example.org", tricky, "Tbilisi\nვაკე\\."]]
        )
    assert imported(cli, str(path), "--list", "members")["created"] == 1
    person = json.loads(cli("subscribers", "show", "ana@example.org", "--json").stdout)
    assert person["name"] == tricky
    assert person["attributes"] == {"city": "Tbilisi\nვაკე\\."}


def test_a_bad_row_is_never_half_written(cli: Cli, db: Database, tmp_path: Path) -> None:
    source = write(
        tmp_path / "s.csv", "email,country,interests\nana@example.org,Atlantis,fatherhood\n"
    )
    report = imported(cli, str(source), "--list", "members")
    assert report["invalid"] == [
        {
            "row": 2,
            "field": "country",
            "error": "'Atlantis' is not an ISO 3166 country code or English country name",
        }
    ]
    assert table_count(db, "subscriber") == 0
    assert table_count(db, "interest") == 0


def test_dry_run_stores_nothing_but_counts(cli: Cli, db: Database) -> None:
    report = imported(cli, str(EXAMPLE_CSV), "--list", "members", "--dry-run")
    assert report["created"] == 299
    assert table_count(db, "subscriber") == 0
    assert table_count(db, "list") == 0


def test_a_dry_run_shows_where_each_column_goes_and_the_first_rows_as_stored(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "people.csv",
        "E-mail;Имя;country;Отдел\nana@example.org;Ана;ge;пресс\nnot-an-address;Б;RS;x\n",
        encoding="cp1251",
    )
    result = cli(
        "subscribers",
        "import",
        str(source),
        "--list",
        "members",
        "--dry-run",
        "--encoding",
        "cp1251",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "read as cp1251" in lines
    assert "  column 'E-mail' → field email" in lines
    assert "  column 'Имя' → field name" in lines
    assert "  column 'country' → field country" in lines
    assert "  column 'Отдел' → attribute Отдел" in lines
    assert "  row 2: ana@example.org | Ана | GE |  | " in lines
    assert any(line.startswith("  row 3: not stored (email: ") for line in lines)
    assert table_count(db, "subscriber") == 0


def test_a_russian_header_fills_our_fields(cli: Cli, db: Database, tmp_path: Path) -> None:
    source = write(
        tmp_path / "люди.csv",
        "Электронная почта;ФИО;Страна;Язык;Интересы;Отдел\n"
        "aibek@example.org;Айбек Осмонов;KG;ru;research;пресс\n",
    )
    report = imported(cli, str(source), "--list", "members")
    assert report["created"] == 1
    person = people.show(db, "aibek@example.org")
    assert (person["name"], person["country"], person["language"]) == ("Айбек Осмонов", "KG", "ru")
    assert person["interests"] == ["research"]
    assert person["attributes"] == {"Отдел": "пресс"}


def test_json_lines_keys_are_read_as_a_header_is(cli: Cli, db: Database, tmp_path: Path) -> None:
    """A key fills the field the dry run's mapping says it does: case and the header names
    (E-mail, Имя …) count, and a line with two keys for one field is refused, naming both."""
    source = write(
        tmp_path / "people.jsonl",
        '{"E-mail": "ana@example.org", "Имя": "Ана", "Country": "GE", "Отдел": "пресс"}\n'
        '{"email": "bo@example.org", "Mail": "bo2@example.org"}\n',
    )
    dry = cli("subscribers", "import", str(source), "--list", "members", "--dry-run")
    assert dry.exit_code == 0, dry.output
    lines = dry.stdout.splitlines()
    assert "  column 'E-mail' → field email" in lines
    assert "  column 'Имя' → field name" in lines
    assert "  row 2, email: keys 'email' and 'Mail' both fill 'email'" in lines
    report = imported(cli, str(source), "--list", "members")
    assert report["created"] == 1
    assert report["invalid"] == [
        {"row": 2, "field": "email", "error": "keys 'email' and 'Mail' both fill 'email'"}
    ]
    person = people.show(db, "ana@example.org")
    assert (person["name"], person["country"]) == ("Ана", "GE")
    assert person["attributes"] == {"Отдел": "пресс"}


def test_erased_address_is_never_resubscribed(cli: Cli, tmp_path: Path) -> None:
    source = write(tmp_path / "s.csv", "email,name\nana@example.org,Ana\nbob@example.org,Bob\n")
    imported(cli, str(source), "--list", "members")
    assert cli("subscribers", "erase", "ANA@example.org", "--yes").exit_code == 0
    report = imported(cli, str(source), "--list", "members")
    assert report["suppressed"] == 1
    assert report["unchanged"] == 1
    assert cli("subscribers", "show", "ana@example.org").exit_code == 2


def test_unsubscribed_people_stay_unsubscribed(cli: Cli, db: Database, tmp_path: Path) -> None:
    source = write(tmp_path / "s.csv", "email\nana@example.org\n")
    imported(cli, str(source), "--list", "members")
    with db.write() as conn:
        conn.exec_driver_sql("UPDATE subscriber SET status = 'unsubscribed'")
    report = imported(cli, str(source), "--list", "members")
    assert report["suppressed"] == 1
    person = json.loads(cli("subscribers", "show", "ana@example.org", "--json").stdout)
    assert person["status"] == "unsubscribed"


def test_left_one_list_is_not_put_back_on_it(cli: Cli, db: Database, tmp_path: Path) -> None:
    source = write(tmp_path / "s.csv", "email\nana@example.org\n")
    imported(cli, str(source), "--list", "members")
    with db.write() as conn:
        conn.exec_driver_sql("UPDATE subscription SET status = 'unsubscribed'")
    assert imported(cli, str(source), "--list", "members")["suppressed"] == 1
    report = imported(cli, str(source), "--list", "partners")
    assert report["updated"] == 1  # another list is a new subscription
    person = json.loads(cli("subscribers", "show", "ana@example.org", "--json").stdout)
    assert {(s["name"], s["status"]) for s in person["lists"]} == {
        ("members", "unsubscribed"),
        ("partners", "active"),
    }


def test_unconfirmed_import_then_active_import_confirms(cli: Cli, tmp_path: Path) -> None:
    source = write(tmp_path / "s.csv", "email\nana@example.org\n")
    imported(cli, str(source), "--list", "members", "--status", "unconfirmed")
    assert cli("subscribers", "count").stdout.strip() == "0"
    assert cli("subscribers", "count", "--status", "unconfirmed").stdout.strip() == "1"
    assert imported(cli, str(source), "--list", "members")["updated"] == 1
    assert cli("subscribers", "count", "--list", "members").stdout.strip() == "1"


def test_jsonl_import(cli: Cli, tmp_path: Path) -> None:
    source = write(
        tmp_path / "s.jsonl",
        '{"email": "ana@example.org", "interests": ["fatherhood"], "country": "GEO", "seats": 2}\n'
        "\n"
        '{"email": "bob@example.org", "attributes": {"org": "NGO"}}\n'
        "not json\n"
        '["a list"]\n',
    )
    report = imported(cli, str(source), "--list", "members")
    assert report["created"] == 2
    assert [(p["row"], p["field"]) for p in report["invalid"]] == [(4, ""), (5, "")]  # type: ignore[attr-defined]
    person = json.loads(cli("subscribers", "show", "ana@example.org", "--json").stdout)
    assert person["country"] == "GE"
    assert person["attributes"] == {"seats": "2"}


def test_batches_commit_as_they_go(cli: Cli, db: Database, tmp_path: Path) -> None:
    rows = "".join(f"p{i}@example.org\n" for i in range(25))
    source = write(tmp_path / "s.csv", "email\n" + rows + "p3@EXAMPLE.org\n")
    result = cli(
        "--set",
        "importer.batch_size=4",
        "subscribers",
        "import",
        str(source),
        "--list",
        "m",
        "--json",
    )
    report = json.loads(result.stdout)
    assert report["created"] == 25
    assert report["unchanged"] == 1  # a duplicate in a later batch finds the committed row
    assert table_count(db, "subscriber") == 25
