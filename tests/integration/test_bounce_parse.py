"""`mailer bounces parse`: every sample in tests/data/bounces classified as expected.json says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mailer.core.bounces import classify
from mailer.core.tokens import make_token
from tests.conftest import REPO, TEST_SECRET, Cli

SAMPLES = REPO / "tests" / "data" / "bounces"
# file -> {kind, recipients (lower-cased), status or null, label, source}; see SOURCES.md there
EXPECTED: dict[str, dict[str, Any]] = json.loads((SAMPLES / "expected.json").read_text())


def test_every_sample_has_an_expectation() -> None:
    assert {p.name for p in SAMPLES.glob("*.eml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_classification(name: str) -> None:
    report = classify((SAMPLES / name).read_bytes())
    want = EXPECTED[name]
    assert report.kind.value == want["kind"]
    assert set(report.recipients) == set(want["recipients"])
    assert len(report.recipients) == len(set(report.recipients))
    if want["status"] is not None:
        assert report.status == want["status"]
    policy = want["kind"] == "hard" and (want["status"] or "").startswith("5.7.")
    assert report.policy == policy


def test_parse_json_with_verp_attribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    genuine = make_token(TEST_SECRET, "bounce", "d42")
    signed = tmp_path / "signed.eml"
    signed.write_bytes(
        (SAMPLES / "postfix_hard.eml").read_bytes().replace(b"k1.d42.SIG", genuine.encode())
    )
    broken = tmp_path / "missing.eml"
    cli = Cli({"MAILER_SECRETS__KEY": TEST_SECRET, "MAILER_CONFIG": ""})
    result = cli(
        "bounces", "parse", str(signed), str(SAMPLES / "postfix_hard.eml"), str(broken), "--json"
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == {
        "file": str(signed),
        "kind": "hard",
        "recipients": ["ana@example.net"],
        "status": "5.1.1",
        "diagnostic": "smtp; 550 5.1.1 <ana@example.net>: Recipient address rejected: User unknown",
        "delivery": 42,
    }
    assert lines[1]["delivery"] is None  # a forged token names nothing
    assert lines[2]["kind"] == "not_bounce"
    assert "error" in lines[2]
    human = cli("bounces", "parse", str(SAMPLES / "policy.eml"))
    assert "hard\t5.7.1\tana@example.net" in human.stdout
