"""Prometheus text exposition format (0.0.4), written out from database counts.

Every figure is read from the database at scrape time (so any process may serve it and
several workers add up), which is why no client library's in-process registry is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from mailer.app import App
from mailer.db import metrics as queries

RATE_WINDOW = timedelta(minutes=1)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _family(
    name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]
) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        shown = ",".join(f'{key}="{_escape(val)}"' for key, val in labels.items())
        lines.append(f"{name}{{{shown}}} {value:g}" if shown else f"{name} {value:g}")
    return lines


def render_metrics(app: App) -> str:
    now = app.clock()
    with app.database.read() as conn:
        deliveries = queries.deliveries_by_campaign(conn, since=now - timedelta(days=7))
        sent_recently = queries.sent_in(conn, now=now, window=RATE_WINDOW)
        bounces = queries.bounces_by_kind(conn)
        occurrences = queries.occurrences_by_state(conn)
    lines = _family(
        "mailer_deliveries", "gauge",
        "Deliveries per campaign and state (campaigns sending, paused, or finished this week).",
        (({"campaign": slug, "state": state}, n) for slug, state, n in deliveries),
    )  # fmt: skip
    lines += _family(
        "mailer_send_rate", "gauge", "Messages accepted by relays per second, last minute.",
        [({}, sent_recently / RATE_WINDOW.total_seconds())],
    )  # fmt: skip
    lines += _family(
        "mailer_bounces", "counter", "Bounce and complaint events recorded, by kind and source.",
        (({"kind": kind, "source": source}, n) for kind, source, n in bounces),
    )  # fmt: skip
    lines += _family(
        "mailer_occurrences", "gauge", "Series occurrences by state.",
        (({"series": series, "state": state}, n) for series, state, n in occurrences),
    )  # fmt: skip
    return "\n".join(lines) + "\n"
