"""What ``mailer demo`` leaves for ``make serve``: a config file, a staff login and a draft issue
for the editor.

``var/demo.toml`` points ``mailer serve`` at the demo's database, the capture SMTP on port
1025 (``mailer dev-smtp``) and its Maildir as the staff UI's Outbox. It keeps one secret key
across runs, so the links in the captured messages (unsubscribe, preferences) verify in the
pages ``make serve`` shows.
"""

from __future__ import annotations

import json
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path

from mailer import issues
from mailer.access import staff
from mailer.app import App

STAFF_EMAIL = "staff@example.org"
CAPTURE_PORT = 1025


def demo_key(config: Path) -> str:
    """The secret key of an earlier run's ``config``, else a new random one."""
    try:
        with config.open("rb") as handle:
            key = tomllib.load(handle).get("secrets", {}).get("key")
    except (OSError, tomllib.TOMLDecodeError):
        key = None
    return key if isinstance(key, str) and len(key) >= 32 else secrets.token_urlsafe(32)


def write_config(
    config: Path, *, database: Path, outbox: Path, key: str, organisation: Mapping[str, str]
) -> None:
    """Writes the settings ``make serve`` runs with (JSON strings are valid TOML strings)."""
    q = json.dumps
    lines = [
        "# Written by `mailer demo` for `make serve`; rewritten on every run.",
        "[database]",
        f"url = {q(f'sqlite:///{database}')}",
        "[smtp]",
        'host = "127.0.0.1"',
        f"port = {CAPTURE_PORT}",
        "[web]",
        f"outbox = {q(str(outbox))}",
        "[secrets]",
        f"key = {q(key)}",
        "[organisation]",
        *(f"{name} = {q(value)}" for name, value in organisation.items()),
    ]
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_staff(app: App) -> str:
    """A staff account (an admin) for the demo with a new random password, which is returned."""
    password = secrets.token_urlsafe(12)
    staff.add_user(
        app.database,
        STAFF_EMAIL,
        password,
        now=app.clock(),
        hasher=app.password_hasher,
        role="admin",
    )
    return password


DRAFT_SLUG = "2027-01-digest"


def draft_issue(app: App, sent_slug: str) -> str:
    """Next month's issue as a draft, copied from the one the demo sent (whose text is frozen
    since it went out), so the editor of ``make serve`` has an issue to change. Returns its
    slug; an earlier run's draft is kept as it is."""
    desk = app.issue_desk()
    if any(summary.slug == DRAFT_SLUG for summary in issues.list_issues(desk)):
        return DRAFT_SLUG
    document = dict(issues.get_issue(desk, sent_slug).document)
    document.update(period="2027-01", send_at="2027-01-05T09:00", approved=False)
    actor = issues.Actor(STAFF_EMAIL, "admin")
    issues.create_issue(desk, DRAFT_SLUG, document, by=actor, now=app.clock())
    return DRAFT_SLUG
