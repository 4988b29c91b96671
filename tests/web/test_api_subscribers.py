"""``/api/v1/subscribers``: search by segment with pages, create, read, change, erase, import."""

from __future__ import annotations

from typing import Any

from mailer.importer.reader import ENCODINGS
from mailer.subscriptions import people
from tests.web.test_api_auth import Api, api_fixture  # noqa: F401 (the fixture)

SUBSCRIBERS = "/api/v1/subscribers"


def test_search_by_segment_pages_through_matches(api: Api) -> None:
    everyone = api.get(SUBSCRIBERS, params={"per_page": 3}).json()
    assert (everyone["total"], everyone["pages"], len(everyone["items"])) == (4, 2, 3)
    second = api.get(SUBSCRIBERS, params={"per_page": 3, "page": 2}).json()
    assert [item["email"] for item in second["items"]] == ["sam@example.org"]
    assert second["items"][0]["interests"][:2] == ["gender norms", "harmful practices"]

    found = api.get(SUBSCRIBERS, params={"segment": "country in (GE, RS) and language != sr"})
    assert found.status_code == 200
    body = found.json()
    assert body["total"] == 1
    assert body["items"][0]["email"] == "nino@example.org"
    assert body["items"][0]["name"] == "Нино"
    on_list = api.get(SUBSCRIBERS, params={"list": "members", "status": "active"}).json()
    assert on_list["total"] == 4


def test_search_refuses_bad_segments_lists_and_pages(api: Api) -> None:
    broken = api.get(SUBSCRIBERS, params={"segment": "country in (GE"})
    assert broken.status_code == 422
    assert broken.json()["field"] == "segment"
    assert broken.json()["column"] >= 14
    nested = api.get(SUBSCRIBERS, params={"segment": "not " * 50 + "country = GE"})
    assert nested.status_code == 422
    assert "nested more than 20 levels deep" in nested.json()["error"]
    unknown = api.get(SUBSCRIBERS, params={"list": "nope"})
    assert unknown.status_code == 404
    assert "no list 'nope'" in unknown.json()["error"]
    page = api.get(SUBSCRIBERS, params={"page": 0})
    assert (page.status_code, page.json()["field"]) == (422, "page")
    status = api.get(SUBSCRIBERS, params={"status": "happy"})
    assert (status.status_code, status.json()["field"]) == (422, "status")
    control = api.get(SUBSCRIBERS, params={"list": "a\x00b"})
    assert (control.status_code, control.json()["field"]) == (422, "list")


def test_create_read_change_and_erase_one_subscriber(api: Api) -> None:
    new: dict[str, Any] = {
        "email": "Lena@Example.ORG",
        "name": "Lena",
        "country": "Kyrgyzstan",
        "language": "ky",
        "interests": ["Youth", "research"],
        "attributes": {"org": "Center", "since": 2019},
        "lists": ["members"],
    }
    created = api.post(SUBSCRIBERS, json=new)
    assert created.status_code == 201, created.text
    record = created.json()
    assert (record["email"], record["country"], record["status"]) == (
        "Lena@example.org",
        "KG",
        "active",
    )
    assert record["interests"] == ["research", "youth"]
    assert record["attributes"] == {"org": "Center", "since": "2019"}
    assert record["consent"]["source"] == "api:test"
    assert record["consent"]["ip"] == "203.0.113.9"
    assert [item["name"] for item in record["lists"]] == ["members"]

    by_id = api.get(f"{SUBSCRIBERS}/{record['id']}").json()
    by_address = api.get(f"{SUBSCRIBERS}/lena@example.org").json()
    assert by_id == by_address == record

    changed = api(
        "PATCH",
        f"{SUBSCRIBERS}/{record['id']}",
        json={
            "name": "Lena K.",
            "language": "",
            "interests": ["policy advocacy"],
            "attributes": {"org": None, "role": "lead"},
            "unsubscribe": ["members"],
        },
    )
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert (after["name"], after["language"], after["country"]) == ("Lena K.", None, "KG")
    assert after["interests"] == ["policy advocacy"]
    assert after["attributes"] == {"since": "2019", "role": "lead"}
    assert [item["status"] for item in after["lists"]] == ["unsubscribed"]
    rejoin = api("PATCH", f"{SUBSCRIBERS}/{record['id']}", json={"subscribe": ["members"]})
    assert rejoin.status_code == 409
    assert "only they can join again" in rejoin.json()["error"]

    erased = api("DELETE", f"{SUBSCRIBERS}/{record['id']}")
    assert erased.status_code == 200
    assert erased.json() == {
        "email": "Lena@example.org",
        "erased": True,
    }
    assert api.get(f"{SUBSCRIBERS}/lena@example.org").status_code == 404
    again = api.post(SUBSCRIBERS, json={"email": "lena@example.org"})
    assert again.status_code == 409
    assert "suppressed (erased)" in again.json()["error"]
    assert api("DELETE", f"{SUBSCRIBERS}/lena@example.org").status_code == 404


def test_bad_subscriber_input_names_each_field_and_stores_nothing(api: Api) -> None:
    bad = api.post(
        SUBSCRIBERS,
        json={
            "email": "not an address",
            "country": "Atlantis",
            "language": "??",
            "lists": ["members"],
        },
    )
    assert bad.status_code == 422
    body = bad.json()
    assert body["field"] == "email"
    assert [p["field"] for p in body["problems"]] == ["email", "country", "language"]
    assert "'Atlantis' is not an ISO 3166 country code" in body["error"]
    assert people.count(api.app.database, status=None) == 4

    extra = api.post(SUBSCRIBERS, json={"email": "x@example.org", "favourite": "tea"})
    assert (extra.status_code, extra.json()["field"]) == (422, "favourite")
    missing = api.post(SUBSCRIBERS, json={"name": "No Address"})
    assert (missing.status_code, missing.json()["field"]) == (422, "email")
    not_json = api.post(SUBSCRIBERS, content=b"{nope", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 422
    assert "error" in not_json.json()
    no_list = api.post(SUBSCRIBERS, json={"email": "x@example.org", "lists": ["nope"]})
    assert no_list.status_code == 404
    twice = api.post(SUBSCRIBERS, json={"email": "ana@example.org"})
    assert twice.status_code == 409
    assert "exists already" in twice.json()["error"]
    assert people.count(api.app.database, status=None) == 4

    unknown = api("PATCH", f"{SUBSCRIBERS}/nobody@example.org", json={"name": "X"})
    assert unknown.status_code == 404
    huge_id = api.get(f"{SUBSCRIBERS}/99999999999999999999")
    assert huge_id.status_code == 404
    revive = api("PATCH", f"{SUBSCRIBERS}/ana@example.org", json={"status": "unsubscribed"})
    assert revive.json()["status"] == "unsubscribed"
    back = api("PATCH", f"{SUBSCRIBERS}/ana@example.org", json={"status": "active"})
    assert back.status_code == 409
    assert "cannot be made active" in back.json()["error"]
    bounced = api("PATCH", f"{SUBSCRIBERS}/ana@example.org", json={"status": "bounced"})
    assert (bounced.status_code, bounced.json()["field"]) == (422, "status")


def test_unconfirmed_subscriber_is_confirmed_by_setting_active(api: Api) -> None:
    made = api.post(
        SUBSCRIBERS,
        json={"email": "new@example.org", "status": "unconfirmed", "lists": ["members"]},
    )
    assert made.json()["lists"][0]["status"] == "unconfirmed"
    confirmed = api("PATCH", f"{SUBSCRIBERS}/new@example.org", json={"status": "active"}).json()
    assert confirmed["status"] == "active"
    assert confirmed["lists"][0]["status"] == "active"
    assert confirmed["consent"]["confirmed_at"] is not None


CSV = (
    "email,name,country,language,interests,org\n"
    "zara@example.org,Zara,AZ,az,youth,Center A\n"
    "broken-address,Broken,GE,ka,,\n"
    "ana@example.org,Ana Updated,RS,sr,,\n"
    "kim@example.org,Kim,Narnia,ru,,\n"
)


def test_csv_import_reports_bad_rows_and_stores_good_ones(api: Api) -> None:
    files = {"file": ("people.csv", CSV.encode(), "text/csv")}
    dry = api.post(
        f"{SUBSCRIBERS}/import", files=files, data={"list": "members", "dry_run": "true"}
    )
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True
    assert people.count(api.app.database, status=None) == 4

    response = api.post(f"{SUBSCRIBERS}/import", files=files, data={"list": "partners"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["file"], report["list_name"], report["list_created"]) == (
        "people.csv",
        "partners",
        True,
    )
    assert (report["created"], report["updated"], report["invalid_rows"]) == (1, 1, 2)
    assert [(p["row"], p["field"]) for p in report["invalid"]] == [(3, "email"), (5, "country")]
    assert "Narnia" in report["invalid"][1]["error"]
    zara = api.get(f"{SUBSCRIBERS}/zara@example.org").json()
    assert zara["attributes"] == {"org": "Center A"}
    assert [item["name"] for item in zara["lists"]] == ["partners"]


def test_import_refuses_oversized_unreadable_and_incomplete_uploads(api: Api) -> None:
    limit = 20 * 1024 * 1024
    big = {"file": ("big.csv", b"email\n" + b"a@example.org\n" * (limit // 14 + 1), "text/csv")}
    too_big = api.post(f"{SUBSCRIBERS}/import", files=big, data={"list": "members"})
    assert too_big.status_code == 413
    assert "limit" in too_big.json()["error"]

    no_email = {"file": ("x.csv", b"name,country\nA,GE\n", "text/csv")}
    unreadable = api.post(f"{SUBSCRIBERS}/import", files=no_email, data={"list": "members"})
    assert (unreadable.status_code, unreadable.json()["field"]) == (422, "file")
    assert "x.csv" in unreadable.json()["error"]
    no_file = api.post(f"{SUBSCRIBERS}/import", data={"list": "members"})
    assert (no_file.status_code, no_file.json()["field"]) == (422, "file")
    files = {"file": ("p.csv", CSV.encode(), "text/csv")}
    no_list = api.post(f"{SUBSCRIBERS}/import", files=files)
    assert (no_list.status_code, no_list.json()["field"]) == (422, "list")
    codec = api.post(
        f"{SUBSCRIBERS}/import", files=files, data={"list": "members", "encoding": "base64"}
    )
    assert (codec.status_code, codec.json()["field"]) == (422, "encoding")
    assert people.count(api.app.database, status=None) == 4


def test_import_names_a_malformed_encoding_as_422(api: Api) -> None:
    """The schema fuzz test sent "\x00": codecs.lookup raised ValueError, a 500."""
    files = {"file": ("p.csv", CSV.encode(), "text/csv")}
    for name in ("\x00", "utf-8\x00", "nope", "rot13", "utf 8\n", "é", "../etc", "٣"):
        form = {"list": "members", "encoding": name}
        answer = api.post(f"{SUBSCRIBERS}/import", files=files, data=form)
        assert answer.status_code == 422, (name, answer.text)
        assert answer.json()["field"] == "encoding"
        assert "not a known text encoding" in answer.json()["error"]
    form = {"list": "members", "encoding": "UTF_8"}
    assert api.post(f"{SUBSCRIBERS}/import", files=files, data=form).status_code == 200


def test_import_reads_each_encoding_the_staff_form_offers(api: Api) -> None:
    text = "email;name;country;Organisation\nolga.excel@example.org;Ольга Петрова;BY;Центр\n"
    for encoding in ENCODINGS:
        files = {"file": ("excel.csv", text.encode(encoding), "text/csv")}
        form = {"list": "members", "encoding": encoding, "dry_run": "true"}
        answer = api.post(f"{SUBSCRIBERS}/import", files=files, data=form)
        assert answer.status_code == 200, (encoding, answer.text)
        report = answer.json()
        assert (report["created"], report["invalid_rows"], report["encoding"]) == (1, 0, encoding)
        assert report["columns"][3] == {
            "column": "Organisation",
            "kind": "attribute",
            "target": "Organisation",
        }
    refused = api.post(
        f"{SUBSCRIBERS}/import",
        files={"file": ("excel.csv", text.encode("cp1251"), "text/csv")},
        data={"list": "members"},
    )
    assert refused.status_code == 422
    assert "it looks like cp1251" in refused.json()["error"]
