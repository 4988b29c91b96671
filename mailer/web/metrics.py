"""Prometheus text exposition format (0.0.4), written out from database counts.

Every figure is read from the database at scrape time (so any process may serve it and
several workers add up), which is why no client library's in-process registry is used.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import timedelta

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response

from mailer.app import App
from mailer.config import is_loopback
from mailer.reports import counts

RATE_WINDOW = timedelta(minutes=1)
# a reverse proxy on this machine forwards others' requests: these headers say it did
FORWARDED = ("forwarded", "x-forwarded-for", "x-real-ip")


def refusal(request: Request, token: str | None) -> Response | None:
    """None when ``request`` may read the metrics, else the answer (they name campaigns).

    With ``web.metrics_token`` set, the request must carry it as a bearer token (401). Without
    one, only a request straight from this machine reads them; anyone else gets 404, since there
    is no credential they could send.
    """
    if token:
        scheme, _, sent = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            sent.strip().encode(), token.encode()
        ):
            return None
        return PlainTextResponse(
            "a bearer token is needed (web.metrics_token)\n",
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    local = request.client is not None and is_loopback(request.client.host)
    if local and not any(name in request.headers for name in FORWARDED):
        return None
    return PlainTextResponse("Not Found\n", status_code=404)


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
    found = counts.scrape(app.database, now=app.clock(), rate_window=RATE_WINDOW)
    lines = _family(
        "mailer_deliveries",
        "gauge",
        "Deliveries per campaign and state (campaigns sending, paused, or finished this week).",
        (({"campaign": slug, "state": state}, n) for slug, state, n in found.deliveries),
    )
    lines += _family(
        "mailer_send_rate",
        "gauge",
        "Messages accepted by relays per second, last minute.",
        [({}, found.sent_recently / RATE_WINDOW.total_seconds())],
    )
    lines += _family(
        "mailer_bounces",
        "counter",
        "Bounce and complaint events recorded, by kind and source.",
        (({"kind": kind, "source": source}, n) for kind, source, n in found.bounces),
    )
    lines += _family(
        "mailer_occurrences",
        "gauge",
        "Series occurrences by state.",
        (({"series": series, "state": state}, n) for series, state, n in found.occurrences),
    )
    return "\n".join(lines) + "\n"
