"""`mailer subscribers export --bom`: a CSV Excel opens with Cyrillic and Georgian intact (UTF-8
after a byte-order mark), which our own import reads back unchanged."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

from tests.conftest import Cli

PEOPLE = (
    "email,name,country,language\n"
    "nino@example.org,ნინო ბერიძე,GE,ka\n"
    "ivan@example.org,Иван Петров,BY,ru\n"
)


def test_an_export_for_excel_starts_with_a_bom_and_reads_back(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(PEOPLE, encoding="utf-8")
    assert cli("subscribers", "import", str(source), "--list", "members").exit_code == 0

    result = cli("subscribers", "export", "--list", "members", "--bom")
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["name"] for row in rows] == ["ნინო ბერიძე", "Иван Петров"]

    back = tmp_path / "excel.csv"
    back.write_bytes(data)
    report = cli("subscribers", "import", str(back), "--list", "members", "--json")
    assert json.loads(report.stdout)["unchanged"] == 2

    plain = cli("subscribers", "export", "--list", "members").stdout_bytes
    assert not plain.startswith(codecs.BOM_UTF8)
    refused = cli("subscribers", "export", "--format", "jsonl", "--bom")
    assert refused.exit_code == 2
    assert "--bom is for CSV" in refused.output
