"""campaign.toml checks: each mistake is reported with its file and key."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mailer.campaigns import source
from mailer.core.campaigns import parse_campaign
from tests.conftest import REPO

SAMPLE = REPO / "campaigns" / "2026-12-digest" / "campaign.toml"


def sample() -> dict[str, Any]:
    """The sample issue, its items' approaches resolved from the sample library (what lint,
    preview and sending read)."""
    found, _problems = source.read(SAMPLE.parent)
    assert found is not None
    return copy.deepcopy(dict(found.document))


def problems(data: dict[str, Any], slug: str = "2026-12-digest") -> dict[str, str]:
    _, found = parse_campaign(slug, data, "campaign.toml")
    return {p.key: p.message for p in found if p.severity == "error"}


def test_the_sample_issue_is_clean() -> None:
    campaign, found = parse_campaign("2026-12-digest", sample(), str(SAMPLE))
    assert campaign is not None
    assert [p for p in found if p.severity == "error"] == []
    assert campaign.languages[0] == "en"
    assert len(campaign.items) >= 6


def test_missing_translation_is_named() -> None:
    data = sample()
    del data["content"]["ka"]
    data["items"][0]["content"]["ru"].pop("title")
    found = problems(data)
    assert "missing translation" in found["content.ka"]
    item_id = data["items"][0]["id"]
    assert found[f"items[0] ({item_id}).content.ru.title"] == "is missing"


def test_image_without_alt_text() -> None:
    data = sample()
    index = next(i for i, item in enumerate(data["items"]) if item.get("image"))
    data["items"][index]["content"]["en"]["image_alt"] = ""
    item_id = data["items"][index]["id"]
    assert "alt text" in problems(data)[f"items[{index}] ({item_id}).content.en.image_alt"]


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/x", "//evil.example"])
def test_links_must_be_http(link: str) -> None:
    data = sample()
    data["items"][0]["link"] = link
    item_id = data["items"][0]["id"]
    assert "http(s)" in problems(data)[f"items[0] ({item_id}).link"]


def test_subject_rules() -> None:
    data = sample()
    data["content"]["en"]["subject"] = "x" * 151
    data["content"]["ru"]["subject"] = "Hello\nBcc: victim@example.org"
    found = problems(data)
    assert "151 characters" in found["content.en.subject"]
    assert "new header" in found["content.ru.subject"]


def test_unknown_countries_keys_and_bad_segment() -> None:
    data = sample()
    data["items"][0]["countries"] = ["Atlantis"]
    data["segment"] = "country in (GE,"
    data["colour"] = "red"
    found = problems(data)
    item_id = data["items"][0]["id"]
    assert "Atlantis" in found[f"items[0] ({item_id}).countries"]
    assert found["segment"].startswith("column 16")
    assert "unknown key" in found["colour"]


def test_bad_language_timezone_and_slug() -> None:
    data = copy.deepcopy(sample())
    data["languages"].append("klingon")
    data["timezone"] = "Mars/Olympus"
    found = problems(data, slug="Bad Slug")
    assert "BCP 47" in found["languages[4]"]
    assert "IANA" in found["timezone"]
    assert "folder name" in found[""]


def test_a_one_off_takes_a_deadline_and_staff_to_tell() -> None:
    data = sample()
    for key in ("series", "period"):
        del data[key]
    data |= {"deadline": "90m", "notify": ["Comms@Example.org"]}
    campaign, found = parse_campaign("launch", data, "campaign.toml")
    assert campaign is not None
    assert [p for p in found if p.severity == "error"] == []
    assert campaign.deadline is not None
    assert campaign.deadline.total_seconds() == 5400
    assert campaign.notify == ("Comms@example.org",)
    bad = problems(data | {"deadline": "soon", "notify": ["not an address"]}, "launch")
    assert "is not a duration such as 6h" in bad["deadline"]
    assert "notify[0]" in bad


def test_deadline_in_an_issue_of_a_series_is_flagged() -> None:
    _, found = parse_campaign("2026-12-digest", sample() | {"deadline": "2h"}, "campaign.toml")
    [warning] = [p for p in found if p.severity == "warning" and p.key == "deadline"]
    assert "takes its deadline and notify from the series file" in warning.message
