"""Bounce classification on the real corpus in tests/data/bounces, against flufl.bounce alone.

For every file in ``expected.json`` it runs our ``classify`` and, in the same run, flufl.bounce's
``all_failures`` (kind mapped as: any permanent address → hard, else any temporary → delayed,
else not_bounce; a crash counts as nothing found). Printed per source label and in total:

- found: the fraction of expected recipients that were reported;
- kind: the fraction of files whose kind is right;
- status (ours only): the fraction of files with an expected status where it is right.

    python benchmarks/bounce_corpus.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import compat32
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flufl.bounce import all_failures

from mailer.core.bounces import classify

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "bounces"
GOAL_FOUND, GOAL_KIND = 0.95, 0.90


@dataclass
class Tally:
    files: int = 0
    expected: int = 0
    found: dict[str, int] = field(default_factory=lambda: {"ours": 0, "flufl": 0})
    kind: dict[str, int] = field(default_factory=lambda: {"ours": 0, "flufl": 0})
    with_status: int = 0
    status: int = 0

    def add(self, other: Tally) -> None:
        self.files += other.files
        self.expected += other.expected
        self.with_status += other.with_status
        self.status += other.status
        for who in ("ours", "flufl"):
            self.found[who] += other.found[who]
            self.kind[who] += other.kind[who]


def flufl_alone(raw: bytes) -> tuple[str, set[str]]:
    try:
        temporary, permanent = all_failures(message_from_bytes(raw, policy=compat32))
    except Exception:
        return "not_bounce", set()
    found = {a.decode(errors="replace").lower() for a in (*temporary, *permanent)}
    kind = "hard" if permanent else "delayed" if temporary else "not_bounce"
    return kind, found


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)  # its detectors log their crashes
    expected = json.loads((CORPUS / "expected.json").read_text())
    tallies: dict[str, Tally] = defaultdict(Tally)
    misses: list[str] = []
    seconds = {"ours": 0.0, "flufl": 0.0}
    for name, want in expected.items():
        raw = (CORPUS / name).read_bytes()
        started = time.perf_counter()
        report = classify(raw)
        seconds["ours"] += time.perf_counter() - started
        started = time.perf_counter()
        flufl_kind, flufl_found = flufl_alone(raw)
        seconds["flufl"] += time.perf_counter() - started
        tally = tallies[want["label"]]
        recipients = set(want["recipients"])
        tally.files += 1
        tally.expected += len(recipients)
        tally.found["ours"] += len(recipients & set(report.recipients))
        tally.found["flufl"] += len(recipients & flufl_found)
        tally.kind["ours"] += report.kind.value == want["kind"]
        tally.kind["flufl"] += flufl_kind == want["kind"]
        if want["status"] is not None:
            tally.with_status += 1
            tally.status += report.status == want["status"]
        got = (report.kind.value, sorted(report.recipients), report.status)
        if got[:2] != (want["kind"], sorted(recipients)) or (
            want["status"] is not None and got[2] != want["status"]
        ):
            wanted = (want["kind"], want["recipients"], want["status"])
            misses.append(f"{name}: got {got}, want {wanted}")

    header = (
        f"{'source':<12}{'files':>6}{'rcpts':>6}  "
        f"{'found ours/flufl':>18}  {'kind ours/flufl':>17}  {'status':>7}"
    )
    print(f"Bounce corpus: {len(expected)} files in {CORPUS}")
    print(header)
    total = Tally()
    for label in sorted(tallies):
        tally = tallies[label]
        total.add(tally)
        print(row(label, tally))
    print("-" * len(header))
    print(row("TOTAL", total))
    found = {w: ratio(total.found[w], total.expected) for w in ("ours", "flufl")}
    kind = {w: ratio(total.kind[w], total.files) for w in ("ours", "flufl")}
    print(
        f"\nrecipients found: ours {found['ours']:.1%}, flufl {found['flufl']:.1%} "
        f"(ratio {found['ours'] / found['flufl']:.2f}x); "
        f"kinds right: ours {kind['ours']:.1%}, flufl {kind['flufl']:.1%} "
        f"(ratio {kind['ours'] / kind['flufl']:.2f}x)"
    )
    print(f"time: ours {seconds['ours'] * 1000:.0f} ms, flufl {seconds['flufl'] * 1000:.0f} ms")
    print(f"files not fully right (kind, recipients, status): {len(misses)}")
    if args.verbose:
        for miss in misses:
            print("  " + miss)
    met = found["ours"] >= GOAL_FOUND and kind["ours"] >= GOAL_KIND
    verdict = "met" if met else "NOT met"
    print(f"goal (>= {GOAL_FOUND:.0%} found, >= {GOAL_KIND:.0%} kinds): {verdict}")
    slowest = hostile_shapes()
    return 0 if met and slowest < HOSTILE_GOAL else 1


HOSTILE_GOAL = 1.0  # seconds for the slowest 200 KB adversarial message (issue 14, item 5)


def hostile_shapes() -> float:
    """The adversarial shapes of tests/hostile/test_linear_time.py at 200 KB, against the same
    message's size in plain prose (the baseline), wall-clock, best of three."""
    from tests.hostile.test_linear_time import LARGE, SHAPES, plain

    def best(raw: bytes) -> float:
        times = []
        for _ in range(3):
            began = time.perf_counter()
            classify(raw)
            times.append(time.perf_counter() - began)
        return min(times)

    prose = best(plain(("The quick brown fox jumps over the lazy dog. " * 5000)[:LARGE]))
    baseline = f"baseline: prose of that size {prose * 1000:.0f} ms"
    print(f"\nhostile returned mail, {LARGE:,} bytes ({baseline})")
    slowest = 0.0
    for name, make in SHAPES.items():
        seconds = best(make(LARGE))
        slowest = max(slowest, seconds)
        print(f"  {name:<34} {seconds * 1000:7.0f} ms  ratio {seconds / prose:5.1f}x")
    verdict = "met" if slowest < HOSTILE_GOAL else "NOT met"
    print(f"goal (slowest under {HOSTILE_GOAL:.0f} s): {verdict}, slowest {slowest * 1000:.0f} ms")
    return slowest


def row(label: str, tally: Tally) -> str:
    found = [ratio(tally.found[w], tally.expected) for w in ("ours", "flufl")]
    kind = [ratio(tally.kind[w], tally.files) for w in ("ours", "flufl")]
    status = f"{ratio(tally.status, tally.with_status):.0%}" if tally.with_status else "-"
    return (
        f"{label:<12}{tally.files:>6}{tally.expected:>6}  "
        f"{found[0]:>8.0%} / {found[1]:<7.0%}  {kind[0]:>7.0%} / {kind[1]:<7.0%}  {status:>7}"
    )


if __name__ == "__main__":
    sys.exit(main())
