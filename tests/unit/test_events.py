"""Events and calls among an issue's items: their checks, the reader's zone, the variant key,
the words of the mail and the .ics file; pure (no database)."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from mailer.core.campaigns import Campaign, parse_campaign
from mailer.core.issue_documents import to_document
from mailer.core.selection import variant_for
from mailer.core.zones import COUNTRY_ZONES, zone_of_country
from mailer.render.calendar import event_ics
from mailer.render.events import deadline_date, event_lines
from mailer.render.templates import TemplateSet
from tests.conftest import REPO

SAMPLE = REPO / "campaigns" / "2027-01-webinars"
STRINGS = TemplateSet(REPO / "templates")


def sample_document() -> dict[str, Any]:
    return to_document(tomllib.loads((SAMPLE / "campaign.toml").read_text(encoding="utf-8")))


def parsed(document: dict[str, Any]) -> tuple[Campaign | None, list[str], list[str]]:
    campaign, problems = parse_campaign("2027-01-webinars", document, "campaign.toml")
    errors = [f"{p.key}: {p.message}" for p in problems if p.severity == "error"]
    warnings = [f"{p.key}: {p.message}" for p in problems if p.severity == "warning"]
    return campaign, errors, warnings


def webinar(campaign: Campaign) -> Any:
    return next(item for item in campaign.items if item.kind == "event")


def test_the_sample_reads_an_event_a_call_and_an_approach() -> None:
    campaign, errors, _ = parsed(sample_document())
    assert errors == []
    assert campaign is not None
    assert [item.kind for item in campaign.items] == ["event", "call", "approach"]
    event = webinar(campaign).event
    assert event.start == datetime(2027, 1, 20, 13, 0, tzinfo=UTC)  # 14:00 CET
    assert event.registration.startswith("https://")
    assert campaign.items[1].call.closes == datetime(2027, 2, 15, 22, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"timezone": "Europe/Belgrad"}, "timezone", "not an IANA time zone"),
        ({"ends_at": "2027-01-20T13:00"}, "ends_at", "is not after starts_at"),
        ({"ends_at": "2027-01-20T14:00"}, "ends_at", "is not after starts_at"),
        ({"starts_at": "20 January, 2pm"}, "starts_at", "local date and time"),
        ({"starts_at": "2027-01-20T14:00+01:00"}, "starts_at", "local date and time"),
        ({"kind": "webinar"}, "kind", "is not a kind"),
        ({"deadline": "2027-01-01T00:00"}, "deadline", "another kind"),
        ({"registration": "ftp://example.org"}, "registration", "not an http(s) link"),
    ],
)
def test_a_bad_event_is_an_error_naming_its_key(
    change: dict[str, str], key: str, message: str
) -> None:
    document = sample_document()
    document["items"][0].update(change)
    _, errors, _ = parsed(document)
    assert any(
        e.startswith(f"items[0] (webinar-fathers-clubs).{key}") and message in e for e in errors
    ), errors


def test_a_missing_timezone_or_deadline_is_named() -> None:
    document = sample_document()
    del document["items"][1]["timezone"]
    del document["items"][1]["deadline"]
    _, errors, _ = parsed(document)
    assert "items[1] (call-small-grants).timezone: is missing" in errors
    assert "items[1] (call-small-grants).deadline: is missing" in errors


def test_every_zone_of_the_table_exists_and_the_network_is_in_it() -> None:
    for zone in COUNTRY_ZONES.values():
        ZoneInfo(zone)
    for country in ("AZ", "BY", "GE", "KG", "MK", "RS", "TM", "KZ", "UA", "AM"):
        assert zone_of_country(country)
    assert zone_of_country("kg") == "Asia/Bishkek"
    assert zone_of_country(None) is None
    assert zone_of_country("ZZ") is None


def test_the_zone_joins_the_variant_only_for_readers_of_an_event_or_call() -> None:
    campaign, _, _ = parsed(sample_document())
    assert campaign is not None
    kg = variant_for(campaign, language="en", country="KG", interests=frozenset())
    assert kg.zone == "Asia/Bishkek"
    assert kg.name.endswith("@Asia/Bishkek")
    nowhere = variant_for(campaign, language="en", country=None, interests=frozenset())
    assert nowhere.zone == ""
    plain = parse_campaign(
        "x", {**sample_document(), "items": sample_document()["items"][2:]}, "x"
    )[0]
    assert plain is not None
    assert variant_for(plain, language="en", country="KG", interests=frozenset()).zone == ""


def test_an_event_reads_in_the_readers_time_and_the_organisers() -> None:
    campaign, _, _ = parsed(sample_document())
    event = webinar(campaign).event
    en = STRINGS.strings("en")
    kg = event_lines(event, "Asia/Bishkek", "en", en)
    assert kg == [
        "Wednesday, January 20, 2027, 19:00–20:30, your time (Bishkek)",
        "Wednesday, January 20, 2027, 14:00–15:30, the organiser’s time (Belgrade)",
    ]
    assert event_lines(event, "Europe/Skopje", "en", en) == [
        "Wednesday, January 20, 2027, 14:00–15:30 (Skopje)"
    ]
    assert event_lines(event, "", "en", en) == [
        "Wednesday, January 20, 2027, 14:00–15:30 (Belgrade)"
    ]
    ru = event_lines(event, "Asia/Baku", "ru", STRINGS.strings("ru"))
    assert ru[0] == "среда, 20 января 2027\u202fг., 17:00–18:30, по вашему времени (Баку)"


def test_a_calls_deadline_is_the_readers_local_date() -> None:
    campaign, _, _ = parsed(sample_document())
    closes = campaign.items[1].call.closes  # 23:59 in Belgrade on 15 February
    assert deadline_date(closes, "Europe/Skopje", "en") == "Monday, February 15, 2027"
    assert deadline_date(closes, "Asia/Bishkek", "en") == "Tuesday, February 16, 2027"
    assert deadline_date(closes, "Asia/Bishkek", "ka") == "სამშაბათი, 16 თებერვალი, 2027"


def test_the_ics_file_parses_and_starts_at_the_right_instant() -> None:
    campaign, _, _ = parsed(sample_document())
    event = webinar(campaign).event
    data = event_ics(
        uid="2027-01-webinars.webinar-fathers-clubs@news.example.org",
        title="Webinar",
        description="Text",
        url="https://example.org/e",
        event=event,
        stamp=datetime(2026, 12, 1, 9, 0),
        sequence=2,
        language="en",
    )
    calendar = icalendar.Calendar.from_ical(data)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("dtstart").astimezone(UTC) == datetime(2027, 1, 20, 13, 0, tzinfo=UTC)
    assert vevent.decoded("dtend").astimezone(UTC) == datetime(2027, 1, 20, 14, 30, tzinfo=UTC)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Belgrade"]
    assert data == event_ics(  # the same bytes on every request
        uid="2027-01-webinars.webinar-fathers-clubs@news.example.org",
        title="Webinar",
        description="Text",
        url="https://example.org/e",
        event=event,
        stamp=datetime(2026, 12, 1, 9, 0),
        sequence=2,
        language="en",
    )
