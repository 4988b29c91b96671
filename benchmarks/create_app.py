"""``create_app`` against building the same routes afresh, in one run.

The routers are built once, at import, and every ``create_app`` shares them; the baseline
includes the same routers into a new FastAPI application, which makes FastAPI build every
route's dependency model again, for that application, by its first requests (what
``create_app`` cost until issue 15: ~0.12 s a call, paid by every web test). Both are timed up
to a walk over every route, as requests make.

    python benchmarks/create_app.py [--calls 20]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi import APIRouter, FastAPI
from starlette.routing import NoMatchFound

from mailer.app import App
from mailer.config import load_settings
from mailer.web import api, public, staff, tracking
from mailer.web.app import create_app

REPO = Path(__file__).resolve().parent.parent
ENVIRON = {
    "MAILER_DATABASE__URL": "sqlite:///:memory:",
    "MAILER_SECRETS__KEY": "benchmark-secret-key-of-sufficient-length-0123456789",
    "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
    "MAILER_WEBHOOKS__MAILGUN_SIGNING_KEY": "key",  # one webhook route, as configured sites have
}


def rebuilt(app: App) -> FastAPI:
    """The baseline: the same routers included into a new app, so every route is built again."""
    web = FastAPI()
    for part in (public.router, staff.router, tracking.router):
        web.include_router(part)
    web.include_router(APIRouter(routes=api.routes(app.settings)))
    return web


def timed(make: Callable[[App], FastAPI], apps: list[App]) -> list[float]:
    seconds = []
    for app in apps:
        start = time.perf_counter()
        web = make(app)
        with contextlib.suppress(NoMatchFound):  # walks every route, as requests will
            web.url_path_for("no such route")
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    calls = parser.parse_args().calls
    settings = load_settings(environ=ENVIRON)
    create_app(App(settings))  # imports and first-use caches, outside the timings
    results = {}
    for name, make in (("create_app", create_app), ("routes built again", rebuilt)):
        apps = [App(settings) for _ in range(calls)]
        results[name] = timed(make, apps)
        for app in apps:
            app.close()
    for name, seconds in results.items():
        print(
            f"{name:20} {calls} calls: median {statistics.median(seconds) * 1000:7.1f} ms, "
            f"total {sum(seconds):6.2f} s"
        )
    ratio = statistics.median(results["routes built again"]) / statistics.median(
        results["create_app"]
    )
    print(f"create_app is {ratio:.0f}x faster than building the routes again")


if __name__ == "__main__":
    main()
