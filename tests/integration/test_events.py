"""Events and calls in a composed issue, on both databases: the reader's time in the mail,
variants that grow only by the zones present, lint's warning and errors, and the event's .ics
over HTTP (the same for everyone, parsed with icalendar)."""

from __future__ import annotations

import asyncio
import re
import shutil
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import icalendar
import pytest

from mailer import issues
from mailer.app import App
from mailer.campaigns import source
from mailer.campaigns.audience import audience
from mailer.core.subscribers import Recipient
from mailer.db import Database
from mailer.render.compose import Composer
from tests.conftest import REPO, TEST_SECRET, Cli, settings_for
from tests.integration.issue_support import APPROVER, Clock, make_app
from tests.web.test_staff_support import client

WEBINARS = REPO / "campaigns" / "2027-01-webinars"
SLUG = WEBINARS.name
ICS = f"/events/{SLUG}/webinar-fathers-clubs.ics"
PEOPLE = (
    "email,name,country,language,interests\n"
    "aibek@example.org,Aibek,KG,en,\n"
    "aigul@example.org,Aigul,KG,en,\n"
    "marija@example.org,Marija,MK,en,\n"
    "milos@example.org,Miloš,RS,en,\n"
    "anon@example.org,Anon,,en,\n"
)


def folder(tmp_path: Path, text: str) -> Path:
    """The issue folder ``campaigns/2027-01-webinars`` under ``tmp_path``, holding ``text``."""
    out = tmp_path / "campaigns" / SLUG
    out.mkdir(parents=True, exist_ok=True)
    (out / "campaign.toml").write_text(text, encoding="utf-8")
    return out


def composer_of(db_url: str, path: Path = WEBINARS) -> Composer:
    settings = settings_for(db_url, web__base_url="https://news.example.org")
    return App(settings).composer(source.load_valid(path))


def mail_text(composer: Composer, country: str | None, language: str = "en") -> tuple[str, str]:
    _, message = composer.render(Recipient(7, "a@example.org", "A", country, language, frozenset()))
    return message.text, unescape(re.sub(r"<[^>]+>", " ", message.html))


def test_an_event_at_14_belgrade_shows_19_in_kg_and_14_in_mk(db: Database, db_url: str) -> None:
    composer = composer_of(db_url)
    kg_text, kg_html = mail_text(composer, "KG")
    for shown in (kg_text, kg_html):
        assert "Wednesday, January 20, 2027, 19:00–20:30, your time (Bishkek)" in shown
        assert "14:00–15:30, the organiser’s time (Belgrade)" in shown
        assert "Deadline: Tuesday, February 16, 2027" in shown  # 23:59 Belgrade is the 16th there
    mk_text, mk_html = mail_text(composer, "MK")
    for shown in (mk_text, mk_html):
        assert "Wednesday, January 20, 2027, 14:00–15:30 (Skopje)" in shown
        assert "19:00" not in shown
        assert "Deadline: Monday, February 15, 2027" in shown
    ru_text, _ = mail_text(composer, "KG", "ky")  # Kyrgyz readers get the Russian edition
    assert "19:00–20:30, по вашему времени (Бишкек)" in ru_text
    assert "Добавить в календарь" in ru_text
    calendar = f"https://news.example.org{ICS}?lang=en"
    assert calendar in kg_text  # one address, nothing personal
    assert calendar in mk_text


def test_variants_grow_only_by_the_zones_present(db: Database, db_url: str, cli: Cli) -> None:
    people = Path("people.csv")
    people.write_text(PEOPLE, encoding="utf-8")
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    timed = audience(db, composer_of(db_url))
    zones = sorted(key.zone for key in timed.by_variant)
    assert zones == ["", "Asia/Bishkek", "Europe/Belgrade", "Europe/Skopje"]  # no Baku, Minsk…
    assert timed.by_variant.most_common(1)[0][1] == 2  # both readers in KG share one variant
    plain = Path("plain")
    shutil.copytree(WEBINARS, plain)
    text = (plain / "campaign.toml").read_text(encoding="utf-8")
    text = re.sub(r'kind = "(event|call)"\n', "", text)
    text = re.sub(r"(starts_at|ends_at|timezone|registration|deadline) = .*\n", "", text)
    (plain / "campaign.toml").write_text(text, encoding="utf-8")
    untimed = audience(db, composer_of(db_url, plain))
    assert len(untimed.by_variant) == 1
    assert len(timed.by_variant) == len(untimed.by_variant) + 3


def test_lint_warns_of_an_event_started_at_the_send_time_and_refuses_bad_times(
    cli: Cli, tmp_path: Path
) -> None:
    cli.env["MAILER_PATHS__TEMPLATES"] = str(REPO / "templates")
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    assert cli("subscribers", "import", str(people), "--list", "members").exit_code == 0
    original = (WEBINARS / "campaign.toml").read_text(encoding="utf-8")
    late = original.replace(
        "min_items = 3\n",
        'min_items = 3\nsend_at = "2027-01-20T14:30"\ntimezone = "Europe/Belgrade"\n',
    )
    result = cli("campaign", "lint", str(folder(tmp_path, late)))
    assert result.exit_code == 0, result.output
    assert re.search(
        r"warning: .*items\[0\] \(webinar-fathers-clubs\)\.starts_at: the event starts "
        r"2027-01-20 14:00 Europe/Belgrade, before the planned send at 2027-01-20 14:30",
        result.output,
    ), result.output
    early = late.replace('send_at = "2027-01-20T14:30"', 'send_at = "2027-01-19T09:00"')
    assert "starts_at" not in cli("campaign", "lint", str(folder(tmp_path, early))).output
    backwards = original.replace('ends_at = "2027-01-20T15:30"', 'ends_at = "2027-01-20T13:30"')
    result = cli("campaign", "lint", str(folder(tmp_path, backwards)))
    assert result.exit_code == 1
    assert "ends_at: is not after starts_at" in result.output
    unknown = original.replace('timezone = "Europe/Belgrade"', 'timezone = "Europe/Skopia"', 1)
    result = cli("campaign", "lint", str(folder(tmp_path, unknown)))
    assert result.exit_code == 1
    assert "'Europe/Skopia' is not an IANA time zone" in result.output


def test_the_ics_is_served_once_the_issue_is_approved(db_url: str, tmp_path: Path) -> None:
    app = make_app(db_url, tmp_path, Clock(), web__base_url="https://news.example.org")
    text = (WEBINARS / "campaign.toml").read_text(encoding="utf-8")

    async def main() -> None:
        async with client(app, "https://news.example.org") as http:
            issues.import_folder(app.database, folder(tmp_path, text), now=app.clock())
            assert (await http.get(ICS)).status_code == 404  # a draft's event may still change
            approved = text.replace("approved = false", "approved = true")
            issues.import_folder(app.database, folder(tmp_path, approved), now=app.clock())
            answer = await http.get(ICS, params={"lang": "ky"})
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"].startswith("text/calendar")
            etag = {"If-None-Match": answer.headers["etag"]}
            again = await http.get(ICS, params={"lang": "ky"}, headers=etag)
            assert again.status_code == 304
            calendar = icalendar.Calendar.from_ical(answer.content)
            (event,) = calendar.walk("VEVENT")
            start = event.decoded("dtstart").astimezone(UTC)
            assert start == datetime(2027, 1, 20, 13, 0, tzinfo=UTC)
            assert str(event["summary"]).startswith("Вебинар")  # ky reads the ru edition
            assert str(event["uid"]) == f"{SLUG}.webinar-fathers-clubs@news.example.org"
            same = await http.get(ICS, params={"lang": "ky"})
            assert same.content == answer.content  # the same file for everyone, every time
            not_event = await http.get(f"/events/{SLUG}/call-small-grants.ics")
            assert not_event.status_code == 404
            assert (await http.get("/events/nothing/webinar-fathers-clubs.ics")).status_code == 404

    try:
        asyncio.run(main())
    finally:
        app.close()


@pytest.mark.parametrize("country", ["AZ", "BY"])
def test_readers_of_other_countries_see_their_own_capital(
    db: Database, db_url: str, country: str
) -> None:
    text, _ = mail_text(composer_of(db_url), country)
    expected = {"AZ": "17:00–18:30, your time (Baku)", "BY": "16:00–17:30, your time (Minsk)"}
    assert expected[country] in text
    assert TEST_SECRET not in text


def test_lint_warns_when_staff_schedule_the_issue_after_the_event_started(
    db_url: str, tmp_path: Path
) -> None:
    app = make_app(db_url, tmp_path, Clock())
    text = (WEBINARS / "campaign.toml").read_text(encoding="utf-8")
    approved = text.replace("approved = false", "approved = true")
    try:
        desk = app.issue_desk()
        issues.import_folder(app.database, folder(tmp_path, approved), now=app.clock())
        assert not [p for p in issues.check_issue(desk, SLUG) if p.key.endswith("starts_at")]
        late = datetime(2027, 1, 20, 13, 30)  # naive UTC: 14:30 in Belgrade
        issues.schedule(
            desk, SLUG, send_at=late, by=APPROVER, now=app.clock(), force_preflight=True
        )
        (warning,) = [p for p in issues.check_issue(desk, SLUG) if p.key.endswith("starts_at")]
        assert warning.severity == "warning"
        assert "before the scheduled send at 2027-01-20T13:30:00Z" in warning.message
    finally:
        app.close()


def test_the_staff_preview_and_the_audience_name_the_readers_zone(
    db_url: str, tmp_path: Path, cli: Cli
) -> None:
    app = make_app(db_url, tmp_path, Clock())
    text = (WEBINARS / "campaign.toml").read_text(encoding="utf-8")
    try:
        desk = app.issue_desk()
        issues.import_folder(app.database, folder(tmp_path, text), now=app.clock())
        kg = issues.preview_issue(
            desk, SLUG, issues.ReaderAs(language="ru", country="KG"), default_sender="x@y.org"
        )
        assert kg.variant.zone == "Asia/Bishkek"
        assert "19:00–20:30, по вашему времени (Бишкек)" in kg.message.text
        assert "Asia/Bishkek" in {variant.zone for variant in kg.variants}
        every = issues.preview_issue(desk, SLUG, issues.ReaderAs(), default_sender="x@y.org")
        assert every.variant.zone == ""  # a language preview: the organiser's time
        assert "14:00–15:30 (Belgrade)" in every.message.text
    finally:
        app.close()
    cli.env["MAILER_DATABASE__URL"] = db_url
    listed = cli("campaign", "audience", SLUG)
    assert listed.exit_code == 0, listed.output
    assert "(times in Asia/Bishkek)" in listed.output
    assert "Europe/Minsk" not in listed.output  # nobody in BY among these readers


@pytest.mark.parametrize(
    "path",
    [
        "/events/%00/webinar-fathers-clubs.ics",
        f"/events/{SLUG}/%00.ics",
        f"/events/{'a' * 5000}/x.ics",
        f"/events/{SLUG}/webinar-fathers-clubs.ics?lang=%00%FF{'x' * 500}",
        f"/events/{SLUG}/..%2F..%2Fetc%2Fpasswd.ics",
    ],
)
def test_forged_calendar_addresses_are_a_plain_404(db_url: str, tmp_path: Path, path: str) -> None:
    app = make_app(db_url, tmp_path, Clock(), web__base_url="https://news.example.org")
    text = (WEBINARS / "campaign.toml").read_text(encoding="utf-8")
    issues.import_folder(
        app.database,
        folder(tmp_path, text.replace("approved = false", "approved = true")),
        now=app.clock(),
    )

    async def main() -> tuple[int, bytes]:
        async with client(app, "https://news.example.org") as http:
            answer = await http.get(path)
            return answer.status_code, answer.content

    try:
        status, body = asyncio.run(main())
    finally:
        app.close()
    if "lang=" in path:  # an unusable language: the issue's first, as the archive does
        assert status == 200
        assert body.startswith(b"BEGIN:VCALENDAR")
    else:
        assert status == 404


@pytest.mark.parametrize(("period", "warned"), [("2027-01", False), ("2027-02", True)])
def test_lint_compares_a_series_issues_events_with_its_occurrence(
    db_url: str, tmp_path: Path, period: str, warned: bool
) -> None:
    app = make_app(db_url, tmp_path, Clock())  # paths.campaigns is tmp_path/campaigns
    shutil.copy(REPO / "campaigns" / "digest.series.toml", tmp_path / "campaigns")
    text = (WEBINARS / "campaign.toml").read_text(encoding="utf-8")
    joined = text.replace(
        "min_items = 3\n", f'min_items = 3\nseries = "digest"\nperiod = "{period}"\n'
    )
    try:
        issues.import_folder(app.database, folder(tmp_path, joined), now=app.clock())
        found = [p for p in issues.check_issue(app.issue_desk(), SLUG) if "starts_at" in p.key]
    finally:
        app.close()
    # the digest goes out on the first Tuesday at 09:00 Belgrade: 5 January, 2 February 2027
    if warned:
        (warning,) = found
        assert "before the digest series' send at 2027-02-02 09:00 Europe/Belgrade" in (
            warning.message
        )
    else:
        assert found == []
