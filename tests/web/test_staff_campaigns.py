"""Campaign pages of the staff UI: lint, previews, test send, approve, schedule, pause, cancel."""

from __future__ import annotations

import asyncio
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailer.app import App
from mailer.campaigns import lifecycle, source
from tests.conftest import sendable_text
from tests.web.test_staff_support import (
    EMAIL,
    SLUG,
    add_people,
    add_staff,
    csrf_of,
    make_app,
    signed_in,
    staff_routes,
    text_of,
)

PAGE = f"/staff/campaigns/{SLUG}"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    made = make_app(db_url, tmp_path)
    add_staff(made)
    add_people(made, tmp_path)
    return made


def start(app: App) -> int:
    """Start the campaign as the scheduler would at its send time."""
    folder = Path(app.settings.paths.campaigns) / SLUG
    text = sendable_text(folder)
    return lifecycle.start(app.database, source.load_valid(folder), text, now=app.clock())


def test_campaign_list_and_page_show_state_and_lint_results(app: App) -> None:
    broken = Path(app.settings.paths.campaigns) / "2027-01-broken"
    broken.mkdir()
    (broken / "campaign.toml").write_text(
        'template = "newsletter"\nlists = ["members"]\nlanguages = ["en"]\n'
        '[content.en]\npreheader = "p"\nintro = "i"\n',
        encoding="utf-8",
    )

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            listing = await http.get("/staff/campaigns")
            assert listing.status_code == 200
            assert "draft" in text_of(listing.text, f"campaign-row-{SLUG}")
            assert "2027-01-broken" in listing.text
            good = await http.get(PAGE)
            assert good.status_code == 200
            assert text_of(good.text, "lint-ok") == "No errors or warnings."
            bad = await http.get("/staff/campaigns/2027-01-broken")
            assert bad.status_code == 200
            errors = text_of(bad.text, "lint-errors")
            assert "content.en.subject" in errors
            assert "is missing" in errors
            assert "2027-01-broken/campaign.toml" in errors
            refused = await http.post(
                "/staff/campaigns/2027-01-broken/approve", data={"csrf": csrf_of(bad.text)}
            )
            assert refused.status_code == 409
            missing = await http.get("/staff/campaigns/no-such-issue")
            assert missing.status_code == 404

    asyncio.run(scenario())


def test_previews_per_language_and_per_subscriber_escape_names(app: App, tmp_path: Path) -> None:
    add_people(
        app, tmp_path, "email,name,country,language\nmark@example.org,<b>Mark</b> & co,RS,sr\n"
    )

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            russian = await http.get(f"{PAGE}/preview?lang=ru")
            assert russian.status_code == 200
            assert text_of(russian.text, "preview-subject").startswith("Декабрьский выпуск")
            assert (
                'sandbox src="/staff/campaigns/2026-12-digest/preview.html?lang=ru"' in russian.text
            )
            html = await http.get(f"{PAGE}/preview.html?lang=ru")
            assert html.status_code == 200
            assert "Декабрьский выпуск" in html.text
            nino = await http.get(f"{PAGE}/preview", params={"email": "nino@example.org"})
            assert text_of(nino.text, "preview-variant").startswith("ka:")
            assert "Нино" in text_of(nino.text, "preview-text-body")
            mark = await http.get(f"{PAGE}/preview", params={"email": "mark@example.org"})
            assert mark.status_code == 200
            assert "<b>Mark</b>" not in mark.text
            assert "&lt;b&gt;Mark&lt;/b&gt; &amp; co" in mark.text
            nobody = await http.get(f"{PAGE}/preview", params={"email": "nobody@example.org"})
            assert nobody.status_code == 404
            assert "nobody@example.org" in text_of(nobody.text, "error-message")
            unknown = await http.get(f"{PAGE}/preview?lang=de")
            assert unknown.status_code == 404

    asyncio.run(scenario())


class Sink:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append((list(envelope.rcpt_tos), envelope.original_content or b""))
        return "250 2.0.0 Queued"


def test_a_test_send_reaches_a_real_smtp_server_and_reports_each_address(
    db_url: str, tmp_path: Path
) -> None:
    sink = Sink()

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(sink), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        app = make_app(db_url, tmp_path, smtp_port=port)
        add_staff(app)
        add_people(app, tmp_path)
        async with server, signed_in(app) as (http, csrf):
            response = await http.post(
                f"{PAGE}/test",
                data={"csrf": csrf, "addresses": "qa@example.org,\nnobody@example.org"},
            )
            assert response.status_code == 200
            results = text_of(response.text, "test-results")
            assert results.count("sent") == 5  # one copy per language (sr-Latn too) to qa@
            assert results.count("bounced") == 5
            assert "No such user" in results
            wrong = await http.post(
                f"{PAGE}/test", data={"csrf": csrf, "addresses": "not-an-address"}
            )
            assert wrong.status_code == 400
            assert "not-an-address" in text_of(wrong.text, "action-error")

    asyncio.run(scenario())
    assert len(sink.received) == 5
    subjects = {
        str(message_from_bytes(data, policy=default_policy)["Subject"]) for _, data in sink.received
    }
    assert all(subject.startswith("[TEST] ") for subject in subjects)
    assert any("Декабрьский" in subject for subject in subjects)
    assert all(rcpts == ["qa@example.org"] for rcpts, _ in sink.received)


def test_approve_then_schedule_shows_local_time_and_utc_then_unschedule(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            approved = await http.post(f"{PAGE}/approve", data={"csrf": csrf})
            assert approved.status_code == 303
            page = await http.get(approved.headers["location"])
            assert text_of(page.text, "notice") == "Approved."
            assert "approved" in text_of(page.text, "campaign-state")
            assert text_of(page.text, "approved-by") == EMAIL

            form = {"csrf": csrf, "send_at": "2026-12-01T09:00", "timezone": "Europe/Belgrade"}
            scheduled = await http.post(f"{PAGE}/schedule", data=form)
            assert scheduled.status_code == 303
            page = await http.get(scheduled.headers["location"])
            assert text_of(page.text, "notice") == "Scheduled."
            assert "scheduled" in text_of(page.text, "campaign-state")
            assert text_of(page.text, "scheduled-local") == "2026-12-01 09:00 Europe/Belgrade"
            assert text_of(page.text, "scheduled-utc") == "2026-12-01 08:00 UTC"
            dashboard = await http.get("/staff/")
            sends = text_of(dashboard.text, "dashboard-sends")
            assert "2026-12-01 09:00 Europe/Belgrade (2026-12-01 08:00 UTC)" in " ".join(
                sends.split()
            )

            tokyo = {**form, "timezone": "Asia/Tokyo"}
            page = await http.get(
                (await http.post(f"{PAGE}/schedule", data=tokyo)).headers["location"]
            )
            assert text_of(page.text, "scheduled-local") == "2026-12-01 09:00 Asia/Tokyo"
            assert text_of(page.text, "scheduled-utc") == "2026-12-01 00:00 UTC"

            for bad, field in (
                ({**form, "timezone": "Mars/Olympus"}, "The time zone 'Mars/Olympus'"),
                ({**form, "send_at": "tomorrow"}, "The send time 'tomorrow'"),
                ({**form, "send_at": "2026-01-01T09:00"}, "Send at: "),  # in the past
            ):
                refused = await http.post(f"{PAGE}/schedule", data=bad)
                assert refused.status_code == 400
                assert text_of(refused.text, "action-error").startswith(field)

            off = await http.post(f"{PAGE}/unschedule", data={"csrf": csrf})
            page = await http.get(off.headers["location"])
            assert "approved" in text_of(page.text, "campaign-state")
            assert 'id="scheduled-for"' not in page.text

    asyncio.run(scenario())
    assert lifecycle.status(app.database, SLUG).state == "approved"


def test_a_campaign_changed_after_approval_cannot_be_scheduled(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            await http.post(f"{PAGE}/approve", data={"csrf": csrf})
            file = Path(app.settings.paths.campaigns) / SLUG / "campaign.toml"
            file.write_text(file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
            page = await http.get(PAGE)
            assert "changed since it was approved" in text_of(page.text, "changed-since")
            form = {"csrf": csrf, "send_at": "2026-12-01T09:00", "timezone": "UTC"}
            refused = await http.post(f"{PAGE}/schedule", data=form)
            assert refused.status_code == 409
            assert "changed since editor@example.org approved it" in text_of(
                refused.text, "action-error"
            )

    asyncio.run(scenario())
    assert lifecycle.status(app.database, SLUG).state == "approved"


def test_pause_resume_and_cancel_with_live_progress(app: App) -> None:
    queued = start(app)
    assert queued == 4

    async def scenario() -> None:
        async with signed_in(app) as (http, csrf):
            progress = (await http.get(f"{PAGE}/progress")).json()
            assert progress["state"] == "sending"
            assert progress["total"] == 4
            assert progress["counts"]["queued"] == 4
            page = await http.get(PAGE)
            assert f'data-progress-url="{PAGE}/progress"' in page.text
            for action, state in (("pause", "paused"), ("resume", "sending"), ("pause", "paused")):
                response = await http.post(f"{PAGE}/{action}", data={"csrf": csrf})
                assert response.status_code == 303
                assert (await http.get(f"{PAGE}/progress")).json()["state"] == state
            cancelled = await http.post(f"{PAGE}/cancel", data={"csrf": csrf})
            page = await http.get(cancelled.headers["location"])
            assert "cancelled" in text_of(page.text, "campaign-state")
            progress = (await http.get(f"{PAGE}/progress")).json()
            assert progress["counts"]["skipped"] == 4
            assert progress["percent"] == 100
            again = await http.post(f"{PAGE}/resume", data={"csrf": csrf})
            assert again.status_code == 409
            assert "is cancelled" in text_of(again.text, "action-error")

    asyncio.run(scenario())


def _snapshot(app: App) -> dict[str, object]:
    tables = (
        "subscriber",
        "subscription",
        "campaign",
        "delivery",
        "bounce_event",
        "occurrence",
        "staff_user",
        "list",
    )
    with app.database.engine.connect() as conn:
        found: dict[str, object] = {
            table: conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in tables
        }
        found["campaigns"] = conn.execute(
            sa.text("SELECT slug, state, send_at, approved_by, updated_at FROM campaign")
        ).all()
        found["deliveries"] = conn.execute(sa.text("SELECT state FROM delivery")).all()
    return found


def test_get_requests_never_change_anything(app: App) -> None:
    start(app)
    paths = [*staff_routes(app, "GET"), f"{PAGE}/preview?email=nino@example.org"]

    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            before = _snapshot(app)
            for path in paths:
                response = await http.get(path)
                assert response.status_code < 500, path
            for action in ("approve", "pause", "cancel", "test"):
                response = await http.get(f"{PAGE}/{action}")
                assert response.status_code in {404, 405}, action
            assert _snapshot(app) == before

    asyncio.run(scenario())
