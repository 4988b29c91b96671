"""`mailer campaign lint` finds each kind of error, names file and key, and exits 1."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_CSV, REPO, Cli, sendable_text

SAMPLE = REPO / "campaigns" / "2026-12-digest"


def toml_dump(data: dict[str, Any]) -> str:
    """Enough TOML for campaign files: strings, bools, ints, lists, tables, arrays of tables."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f'"{k}" = {value(x)}' for k, x in v.items()) + " }"
        return '"' + str(v) + '"'

    lines = [f"{k} = {value(v)}" for k, v in data.items() if k not in {"content", "items"}]
    for language, content in data.get("content", {}).items():
        lines.append(f'[content."{language}"]')
        lines += [f"{k} = {value(v)}" for k, v in content.items()]
    for item in data.get("items", []):
        lines.append("[[items]]")
        lines += [f"{k} = {value(v)}" for k, v in item.items() if k != "content"]
        for language, content in item.get("content", {}).items():
            lines.append(f'[items.content."{language}"]')
            lines += [f"{k} = {value(v)}" for k, v in content.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def members(cli: Cli) -> Cli:
    cli.env["MAILER_PATHS__TEMPLATES"] = str(REPO / "templates")
    assert cli("subscribers", "import", str(EXAMPLE_CSV), "--list", "members").exit_code == 0
    return cli


def variant(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    folder = tmp_path / "campaigns" / "2027-01-digest"
    folder.mkdir(parents=True)
    data = tomllib.loads(sendable_text(SAMPLE))  # its approaches' words written out
    change(data)
    (folder / "campaign.toml").write_text(toml_dump(data))
    return folder


def test_the_sample_lints_clean(members: Cli) -> None:
    result = members("campaign", "lint", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.stdout


def test_a_copy_through_the_test_writer_is_still_clean(members: Cli, tmp_path: Path) -> None:
    assert members("campaign", "lint", str(variant(tmp_path, lambda d: None))).exit_code == 0


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (_set(["lists"], ["members", "nobody"]), "lists", "unknown list 'nobody'"),
        (_set(["items", 0, "interests"], ["basket weaving"]), "interests", "unknown interest"),
        (
            _set(["items", 0, "interests"], ["fatherhod"]),
            "interests",
            "unknown interest 'fatherhod': not in the interest list; did you mean 'fatherhood'?",
        ),
        (
            _set(["segment"], 'interest = "fatherhod" or country = GE'),
            "segment",
            "unknown interest 'fatherhod': not in the interest list; did you mean 'fatherhood'?",
        ),
        (_set(["segment"], "country = TM and country = GE"), "lists", "empty audience"),
        (
            _set(["content", "ru", "intro"], "Привет, {{ name }}!"),
            "content.ru.intro",
            "merge field",
        ),
        (
            _set(["content", "en", "intro"], "[x](ftp://example.org/a)"),
            "content.en.intro",
            "not http",
        ),
        (_set(["items", 1, "content", "ka", "summary"], "word " * 30_000), "content.ka", "102 KB"),
        (_set(["template"], "nothing"), "template", "no templates/nothing"),
        (_set(["segment"], "country in (GE"), "segment", "column"),
    ],
)
def test_lint_finds_each_error_kind(
    members: Cli, tmp_path: Path, change: Callable[[dict[str, Any]], None], key: str, message: str
) -> None:
    folder = variant(tmp_path, change)
    result = members("campaign", "lint", str(folder))
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert any(key in line and message in line for line in errors), result.stderr
    assert all(str(folder / "campaign.toml") in line for line in errors)


def test_missing_folder_and_broken_toml(members: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "campaign.toml").write_text("lists = [\n")
    result = members("campaign", "lint", str(folder))
    assert result.exit_code == 1
    assert "not valid TOML" in result.stderr
    shutil.rmtree(folder)
    assert members("campaign", "lint", str(folder)).exit_code == 2  # click: path does not exist
