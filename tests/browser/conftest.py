"""A live service for the browser tests: `mailer serve` and `mailer dev-smtp` as real processes
on loopback, driven by Playwright through Debian's chromium (`make test` installs it).

Screenshots are taken only when ``$MAILER_SCREENSHOTS`` names a folder: ``make screenshots``
makes the pictures in ``docs/`` that way. A test run without it checks the same pages (every
assertion, the phone widths included) without painting them to PNG files, which cost chromium
a second or so each.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from mailer.access import staff
from mailer.app import App
from mailer.config import load_settings
from mailer.demo.vocabulary import apply_words
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from tests.conftest import REPO, TEST_SECRET, copy_sample
from tests.network import free_port, wait_http
from tests.waiting import PATIENCE, wait_for

# expect(...) waits 5 s by default: a busy machine needs the same safety net as everything else
expect.set_options(timeout=PATIENCE * 1000)

CHROMIUM = Path("/usr/bin/chromium")
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
        return subprocess.run(
            [sys.executable, "-m", "mailer", "--config", str(self.config), *args],
            input=input,
            capture_output=True,
            text=True,
            cwd=self.root,
            timeout=PATIENCE,
            env={k: v for k, v in os.environ.items() if not k.startswith("MAILER_")},
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


@contextmanager
def live_service(root: Path, extra_config: str = "") -> Iterator[Service]:
    """`mailer serve` and `mailer dev-smtp` on free ports, with ``extra_config`` (TOML)."""
    _once_per_module(root)
    copy_sample(REPO / "campaigns" / "2026-12-digest", root / "campaigns" / "2026-12-digest")
    web, smtp = free_port(), free_port()
    shots = Path(SCREENSHOTS or root / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    config = _config(root, web, smtp, extra_config)
    live = Service(root, f"http://127.0.0.1:{web}", root / "outbox", config, shots)
    # the data, in this process (the commands themselves are tested elsewhere)
    with App(load_settings(config, environ={})).start() as app:
        options = ImportOptions(list_name="members")
        import_file(app.database, REPO / "subscribers" / "example.csv", options, now=app.clock)
        apply_words(app)  # the demo's titles: the import left its interests private
        staff.add_user(app.database, *STAFF, now=app.clock(), hasher=app.password_hasher)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MAILER_")}
    capture = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mailer",
            "dev-smtp",
            "--port",
            str(smtp),
            "--maildir",
            str(live.outbox),
        ],
        cwd=root,
        env=clean,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    serve = subprocess.Popen(
        [sys.executable, "-m", "mailer", "--config", str(live.config), "serve"],
        cwd=root,
        env=clean,
        stdout=subprocess.DEVNULL,
        stderr=(root / "serve.log").open("wb"),
    )
    try:
        health = wait_http(f"{live.base_url}/healthz", "mailer serve to answer")
        assert health.status_code == 200, (root / "serve.log").read_text()[-3000:]
        yield live
    finally:
        for process in (serve, capture):
            process.terminate()
        for process in (serve, capture):
            process.wait(timeout=PATIENCE)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One chromium per module: Playwright's sync API keeps an event loop running in this thread
    while it is open, and the next module's ``asyncio.run`` would then refuse to start."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    opened = context.new_page()
    opened.set_default_timeout(PATIENCE * 1000)  # a safety net, as everywhere
    yield opened
    context.close()
