"""Hostile JSON Lines imports: a line nested thousands of levels deep is a row error (CLI and
API), the lines around it are imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailer.db import Database
from mailer.subscriptions import people
from tests.conftest import Cli
from tests.hostile.test_csv import problems, run_import
from tests.web.test_api_auth import Api, api_fixture  # noqa: F401 (the fixture)

DEEP = {
    "deep list": "[" * 100_000 + "]" * 100_000,
    "deep object": '{"a": ' * 50_000 + "1" + "}" * 50_000,
    "just too deep": "[" * 9 + "]" * 9,
}


def lines(value: str) -> bytes:
    return (
        '{"email": "zoe@example.org"}\n'
        f'{{"email": "deep@example.org", "attributes": {{"x": {value}}}}}\n'
        '{"email": "bob@example.org"}\n'
    ).encode()


@pytest.mark.parametrize("value", DEEP.values(), ids=DEEP.keys())
def test_a_deeply_nested_line_is_a_row_error_in_the_cli(
    cli: Cli, db: Database, tmp_path: Path, value: str
) -> None:
    path = tmp_path / "people.jsonl"
    path.write_bytes(lines(value))
    code, report, stderr = run_import(cli, path)
    assert code == 0, stderr
    assert problems(report) == {(2, ""): "nested more than 8 levels deep (at most 8)"}
    assert report["created"] == 2
    assert people.count(db, status=None) == 2


def test_a_deeply_nested_line_is_a_row_error_in_the_api(api: Api) -> None:
    files = {"file": ("people.jsonl", lines(DEEP["deep list"]), "application/x-ndjson")}
    response = api.post("/api/v1/subscribers/import", files=files, data={"list": "members"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["invalid"] == [
        {"row": 2, "field": "", "error": "nested more than 8 levels deep (at most 8)"}
    ]
    assert report["created"] == 2


def test_a_shallow_nested_value_is_the_ordinary_row_error(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "people.jsonl"
    path.write_bytes(lines(json.dumps([[["x"]]])))
    code, report, _ = run_import(cli, path)
    assert code == 0
    assert "must be a single value" in problems(report)[(2, "x")]
