"""The one resolver of `approach = "slug"`: the approach's item under the item's own keys
(content per language and field), an unknown slug named with its item, a draft approach
warned about, and the resolved item standing alone (no `approach` key)."""

from __future__ import annotations

from typing import Any

from mailer.core.approach_refs import Pinned, references, resolve
from mailer.core.approaches import as_item, check_approach, from_item

CLUBS: dict[str, Any] = {
    "kind": "approach",
    "state": "published",
    "organisation": "Community organisation, Telavi",
    "countries": ["GE"],
    "interests": ["fatherhood"],
    "links": ["https://example.org/clubs", "https://example.org/clubs/guide"],
    "image": "https://example.org/clubs.jpg",
    "content": {
        "en": {"title": "Fathers' clubs", "summary": "Ten evenings.", "image_alt": "Fathers"},
        "ru": {"title": "Клубы отцов", "summary": "Десять вечеров.", "image_alt": "Отцы"},
    },
}
LIBRARY = {"clubs": Pinned("clubs", 3, CLUBS)}


def test_an_item_is_its_approach_with_its_own_keys_over_it() -> None:
    document = {
        "items": [
            {"id": "ge-clubs", "approach": "clubs", "content": {"en": {"title": "Our pick"}}},
            {"id": "inline", "link": "https://example.org/x", "content": {}},
        ]
    }
    assert references(document) == ["clubs"]
    resolved, problems = resolve(document, LIBRARY, "issue x")
    assert problems == []
    first = resolved["items"][0]
    assert "approach" not in first
    assert first["id"] == "ge-clubs"
    assert first["link"] == "https://example.org/clubs"
    assert first["countries"] == ["GE"]
    assert first["content"]["en"] == {
        "title": "Our pick",
        "summary": "Ten evenings.",
        "image_alt": "Fathers",
    }
    assert first["content"]["ru"]["title"] == "Клубы отцов"
    assert resolved["items"][1] == document["items"][1]
    assert document["items"][0]["content"] == {"en": {"title": "Our pick"}}  # not changed


def test_an_unknown_slug_is_an_error_naming_the_item_and_a_draft_is_a_warning() -> None:
    document = {"items": [{"id": "one", "approach": "nowhere"}, {"approach": "clubs"}]}
    draft = {"clubs": Pinned("clubs", 1, {**CLUBS, "state": "draft"})}
    _resolved, problems = resolve(document, draft, "issue x")
    assert [(p.severity, p.key) for p in problems] == [
        ("error", "items[0] (one).approach"),
        ("warning", "items[1] (clubs).approach"),
    ]
    assert "'nowhere'" in problems[0].message


def test_an_event_keeps_its_times_and_a_call_its_deadline() -> None:
    event = {**CLUBS, "kind": "event", "starts_at": "2027-01-20T14:00"}
    event |= {"ends_at": "2027-01-20T15:00", "timezone": "Europe/Belgrade"}
    item = as_item("webinar", event)
    assert item["kind"] == "event"
    assert (item["starts_at"], item["timezone"]) == ("2027-01-20T14:00", "Europe/Belgrade")
    call = as_item("call", {**CLUBS, "kind": "call", "deadline": "2027-01-31T23:59"})
    assert (call["kind"], call["deadline"]) == ("call", "2027-01-31T23:59")
    assert "kind" not in as_item("clubs", CLUBS)


def test_an_item_becomes_an_approach_and_back() -> None:
    item = as_item("clubs", CLUBS)
    again = from_item(item, organisation="Community organisation, Telavi")
    assert again == {k: v for k, v in CLUBS.items() if k != "links"} | {
        "links": ["https://example.org/clubs"]
    }
    assert [p for p in check_approach("clubs", again) if p.severity == "error"] == []


def test_checks_name_the_field() -> None:
    wrong = {**CLUBS, "kind": "webinar", "countries": ["Atlantis"], "links": ["ftp://x"]}
    keys = {p.key for p in check_approach("clubs", wrong) if p.severity == "error"}
    assert {"kind", "countries", "links[0]"} <= keys


def test_an_approachs_item_is_the_same_whatever_order_its_keys_were_stored_in() -> None:
    """PostgreSQL's JSONB keeps no key order: the resolved text (and the hash an approval
    names) must not change with it, or an approved issue reads as changed when it is sent."""
    written = {
        "content": {
            "en": {"title": "Clubs", "summary": "Ten evenings.", "image_alt": "A circle"},
            "ru": {"title": "Клубы", "summary": "Десять вечеров.", "image_alt": "Круг"},
            "ka": {"title": "კლუბები", "summary": "ათი საღამო.", "image_alt": "წრე"},
        },
        "countries": ["GE"],
    }
    jsonb = {
        "countries": ["GE"],
        "content": {
            language: dict(reversed(list(entry.items())))
            for language, entry in sorted(written["content"].items())
        },
    }
    first, second = as_item("clubs", written), as_item("clubs", jsonb)
    assert first == second
    assert list(first["content"]) == list(second["content"])
    for language in first["content"]:
        assert list(first["content"][language]) == list(second["content"][language])
