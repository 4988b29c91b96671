"""A live service for the browser tests: what `mailer serve` and `mailer dev-smtp` run, on
loopback in a thread of the test process (``_ServiceThread``), driven by Playwright through
Debian's chromium headless shell (`make test` installs it). Commands a test gives
(``Service.mailer``) run through click in this process, on a thread of their own.

Screenshots are taken only when ``$MAILER_SCREENSHOTS`` names a folder: ``make screenshots``
makes the pictures in ``docs/`` that way. A test run without it checks the same pages (every
assertion, the phone widths included) without painting them to PNG files, which cost chromium
a second or so each.
"""

from __future__ import annotations

import asyncio
import email
import os
import subprocess
import threading
import traceback
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright

from mailer.access import staff
from mailer.app import App
from mailer.cli import mailer as cli
from mailer.cli.serve import run_service
from mailer.config import load_settings
from mailer.demo.vocabulary import apply_words
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from mailer.smtp.capture import start_capture
from tests.conftest import REPO, TEST_SECRET, copy_sample
from tests.databases import sqlite_copy, worker_template
from tests.network import free_port
from tests.waiting import PATIENCE, wait_for

# expect(...) waits 5 s by default: a busy machine needs the same safety net as everything else
expect.set_options(timeout=PATIENCE * 1000)

# Chromium's old headless shell, what Playwright itself drives by default: the whole browser in
# its "new" headless mode spent about twice the CPU on the same pages (docs/testing.md).
CHROMIUM = Path("/usr/lib/chromium/chromium-headless-shell")
SCREENSHOTS = os.environ.get("MAILER_SCREENSHOTS", "")
STAFF = ("editor@example.org", "correct horse battery staple")


@dataclass
class Service:
    root: Path
    base_url: str
    outbox: Path
    config: Path
    shots: Path

    def mailer(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """``mailer --config <this service's> ARGS``, run by click in this process (a process
        of its own spent 1.3 s importing the CLI), on a thread of its own: Playwright keeps an
        event loop running in this one, and some commands start theirs."""
        unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("MAILER_")}
        command = ["--config", str(self.config), *args]

        def run() -> Result:
            return CliRunner().invoke(cli, command, input=input, env=unset)

        with ThreadPoolExecutor(1) as thread:
            result = thread.submit(run).result(timeout=PATIENCE)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        failure = "".join(traceback.format_exception(result.exception)) if crashed else ""
        return subprocess.CompletedProcess(
            ["mailer", *command], result.exit_code, result.stdout, result.stderr + failure
        )

    def captured(self) -> list[Message]:
        """Every message the capture SMTP received, oldest first."""
        files = sorted((self.outbox / "new").glob("*"), key=lambda p: p.stat().st_mtime_ns)
        return [email.message_from_bytes(path.read_bytes()) for path in files]

    def wait_for_mail(self, count: int) -> list[Message]:
        wait_for(f"{count} captured messages", lambda: len(self.captured()) >= count)
        return self.captured()


def picture(what: Page | Locator, path: Path, *, full_page: bool = False) -> None:
    """A screenshot of ``what`` to ``path`` when ``$MAILER_SCREENSHOTS`` is set."""
    if not SCREENSHOTS:
        return
    if isinstance(what, Page):
        what.screenshot(path=path, full_page=full_page)
    else:
        what.screenshot(path=path)


def _config(root: Path, web: int, smtp: int, extra: str = "") -> Path:
    config = root / "mailer.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{root / "mailer.db"}"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp}\n'
        f'[web]\nbase_url = "http://127.0.0.1:{web}"\nlisten = "127.0.0.1:{web}"\n'
        # a sign-in's argon2id check costs 0.35 s with the production profile
        'password_profile = "cheapest-for-tests"\n'
        f'outbox = "{root / "outbox"}"\n'
        f'[paths]\ncampaigns = "{root / "campaigns"}"\ntemplates = "{REPO / "templates"}"\n'
        f'[bounces]\nlisten = ""\n'
        f'[secrets]\nkey = "{TEST_SECRET}"\n'
        '[organisation]\nname = "EECA MenEngage Platform"\n'
        'address = "Example Street 1, 11000 Belgrade, Serbia"\nwebsite = "https://example.org"\n'
        + extra,
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with live_service(tmp_path_factory.mktemp("live")) as live:
        yield live


def _once_per_module(root: Path) -> None:
    """Each browser module starts its service once in a whole run (every xdist worker seeing
    the same folder), or its later tests would find none of what the earlier ones stored.
    pytest-xdist 3.8's ``--dist loadgroup`` silently stopped grouping under pytest 9
    (pytest-dev/pytest-xdist#1386) and did exactly that; `make test` now sends whole files
    (``--dist loadfile``), and this says so at once if that ever breaks again."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    module = current.split("::")[0].replace("/", "_")
    if not module:
        return
    run = root.parent.parent if os.environ.get("PYTEST_XDIST_WORKER") else root.parent
    try:
        (run / f"service-started-{module}").touch(exist_ok=False)
    except FileExistsError:
        pytest.fail(
            f"{module}: its service is starting a second time in this run, so its tests were "
            "split between pytest-xdist workers or interleaved with another module's "
            "(run them with --dist loadfile)"
        )


class _ServiceThread:
    """What `mailer serve` runs (``run_service``: the web app, the worker, the scheduler) and
    `mailer dev-smtp`'s capture server, in one event loop on a thread of this process.

    A process of its own cost each module about two seconds of CPU to import the service
    before its first answer; this process has already imported it. `mailer serve` itself, a
    real process stopped by SIGTERM, is tested in tests/acceptance/test_serve.py."""

    def __init__(self, config: Path, smtp_port: int, outbox: Path) -> None:
        self.config, self.smtp_port, self.outbox = config, smtp_port, outbox
        self.error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="live-service", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # the test thread reports it
            self.error = exc

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        capture, _ = await start_capture("127.0.0.1", self.smtp_port, self.outbox)
        with App(load_settings(self.config, environ={})).start() as app:
            async with capture:
                await run_service(app, self._stop, listen=None, worker=True, scheduler=True)

    def wait_until_up(self, health: str) -> None:
        with httpx.Client(timeout=5, trust_env=False) as client:  # one SSL context, not one a look

            def up() -> bool:
                if self.error is not None or not self._thread.is_alive():
                    raise AssertionError(f"the service stopped before answering: {self.error!r}")
                try:
                    return client.get(health).status_code == 200
                except httpx.TransportError:
                    return False

            wait_for("the service to answer /healthz", up)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=PATIENCE)
        assert not self._thread.is_alive(), "the service did not stop"


@contextmanager
def live_service(root: Path, extra_config: str = "") -> Iterator[Service]:
    """The service (``_ServiceThread``) and a capture SMTP on free ports, with ``extra_config``
    (TOML) in its settings."""
    _once_per_module(root)
    copy_sample(REPO / "campaigns" / "2026-12-digest", root / "campaigns" / "2026-12-digest")
    web, smtp = free_port(), free_port()
    shots = Path(SCREENSHOTS or root / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    config = _config(root, web, smtp, extra_config)
    sqlite_copy(worker_template(), root / "mailer.db")  # migrated once per worker, not per module
    live = Service(root, f"http://127.0.0.1:{web}", root / "outbox", config, shots)
    # the data, in this process (the commands themselves are tested elsewhere)
    with App(load_settings(config, environ={})).start() as app:
        options = ImportOptions(list_name="members")
        import_file(app.database, REPO / "subscribers" / "example.csv", options, now=app.clock)
        apply_words(app)  # the demo's titles: the import left its interests private
        staff.add_user(app.database, *STAFF, now=app.clock(), hasher=app.password_hasher)
    running = _ServiceThread(config, smtp, live.outbox)
    try:
        running.wait_until_up(f"{live.base_url}/healthz")
        yield live
    finally:
        running.stop()


class _Chromium:
    """One chromium for a pytest-xdist worker's run of browser tests: launching it costs its
    processes about as much CPU as a short test. Playwright's sync API keeps an event loop
    running in this thread while it is open, and a later test's ``asyncio.run`` would refuse
    to start: so it closes whenever the next test is not a browser test (the browser tests
    run first, so a worker opens it about once)."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def browser(self) -> Browser:
        if self._browser is None:
            if not CHROMIUM.exists():
                pytest.fail(
                    "Debian's chromium headless shell is missing: `make test` installs it "
                    "(apt-get install chromium-headless-shell)"
                )
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox"]
            )
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


_CHROMIUM = _Chromium()


@pytest.fixture
def browser() -> Browser:
    return _CHROMIUM.browser()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After the test's own teardown (its page closed): chromium closes unless the next test
    uses it too."""
    yield
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        _CHROMIUM.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    opened = context.new_page()
    opened.set_default_timeout(PATIENCE * 1000)  # a safety net, as everywhere
    yield opened
    context.close()
