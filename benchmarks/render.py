"""Per-recipient personalisation of the sample issue, against the naive way, in one run.

Target (issue #3): once variants are compiled, at least 20,000 messages/s on one core.
Baseline: MJML + premailer for every recipient (what a naive sender does).

    python benchmarks/render.py [--recipients 20000] [--naive 40]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailer.campaigns import source
from mailer.core.subscribers import Recipient
from mailer.render.compile import render_layout, variant_context
from mailer.render.compose import Composer
from mailer.render.templates import TemplateSet

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "campaigns" / "2026-12-digest"
ORG = {
    "name": "EECA MenEngage Platform",
    "address": "Example St 1, Belgrade",
    "website": "https://example.org",
}


def recipients(n: int) -> list[Recipient]:
    countries = ["GE", "AZ", "KG", "RS", "BY", "MK", "TM"]
    languages = ["en", "ru", "ka", "sr", "be", "sr-Latn"]
    interests = [frozenset(), frozenset({"fatherhood"}), frozenset({"research", "training"})]
    return [
        Recipient(
            i,
            f"member{i}@example.org",
            f"Member {i}",
            countries[i % 7],
            languages[i % 6],
            interests[i % 3],
        )
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--naive", type=int, default=40)
    args = parser.parse_args()
    campaign = source.load_valid(SAMPLE)
    templates = TemplateSet(REPO / "templates")
    composer = Composer(
        campaign, templates, ORG, "https://news.example.org", "bench-secret-key-0123456789"
    )
    people = recipients(args.recipients)

    start = time.perf_counter()
    keys = {composer.variant_key(r) for r in people}
    for key in keys:
        composer.variant(key)
    compile_seconds = time.perf_counter() - start

    start = time.perf_counter()
    size = 0
    for person in people:
        _, message = composer.render(person)
        size += len(message.html)
    personal = len(people) / (time.perf_counter() - start)

    start = time.perf_counter()
    for person in people[: args.naive]:
        key = composer.variant_key(person)
        variant = composer.variant(key)
        context = variant_context(
            campaign, key, strings=variant.strings, organisation=ORG, view_online="https://x"
        )
        html, _text = render_layout(templates, campaign.template, context)
        html.render(composer.personal_values(variant, person))
    naive = args.naive / (time.perf_counter() - start)

    print(
        f"sample issue: {len(keys)} variants compiled in {compile_seconds:.2f} s "
        f"({compile_seconds / len(keys) * 1000:.0f} ms each), "
        f"average HTML {size / len(people) / 1024:.1f} KB"
    )
    print(
        f"per-recipient personalisation: {personal:,.0f} messages/s on one core (target >= 20,000)"
    )
    print(
        f"naive baseline, MJML + premailer per recipient: {naive:,.1f} messages/s; "
        f"ratio {personal / naive:,.0f}x"
    )


if __name__ == "__main__":
    main()
