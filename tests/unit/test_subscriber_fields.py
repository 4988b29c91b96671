"""What a valid subscriber is: normalised address, country, language, interests, attributes."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from mailer.core.subscribers import (
    email_key,
    normalise_country,
    normalise_email,
    normalise_language,
    subscriber_from_fields,
)
from mailer.errors import InvalidRecord, InvalidValue
from tests.conftest import examples


def test_email_is_trimmed_domain_lowercased_and_idn_in_punycode() -> None:
    assert normalise_email("  Ivan.Petrov@Example.ORG ") == "Ivan.Petrov@example.org"
    assert normalise_email("nino@Пример.Испытание") == "nino@xn--e1afmkfd.xn--80akhbyknj4f"


def test_addresses_differing_only_in_case_are_one_subscriber() -> None:
    assert email_key(normalise_email("A@B.com ")) == email_key(normalise_email("a@b.com"))


@pytest.mark.parametrize(
    "value",
    [
        "ivan@",
        "not an address",
        "a@b.c\r\nBcc: x@y.example",
        "a\x00b@example.org",
        "x" * 300 + "@example.org",
    ],
)
def test_invalid_addresses_are_refused_with_the_field(value: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalise_email(value)
    assert caught.value.field == "email"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("ge", "GE"),
        ("GEO", "GE"),
        ("Georgia", "GE"),
        ("Kyrgyz Republic", "KG"),
        ("Macedonia", "MK"),
        ("north macedonia", "MK"),
        ("Belarus", "BY"),
        ("srb", "RS"),
        ("XK", "XK"),
    ],
)
def test_country_accepts_alpha2_alpha3_and_english_names(given: str, stored: str) -> None:
    assert normalise_country(given) == stored


def test_unknown_country_names_the_value() -> None:
    with pytest.raises(InvalidValue, match="Atlantis"):
        normalise_country("Atlantis")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("ru", "ru"),
        ("sr-Latn", "sr-Latn"),
        ("sr_latn", "sr-Latn"),
        ("SR-latn-rs", "sr-Latn-RS"),
        ("ky", "ky"),
        ("ka", "ka"),
    ],
)
def test_language_is_a_canonical_bcp47_tag(given: str, stored: str) -> None:
    assert normalise_language(given) == stored


@pytest.mark.parametrize("value", ["english", "zz", "ru--RU", "12"])
def test_invalid_language_tags_are_refused(value: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalise_language(value)
    assert caught.value.field == "language"


def test_record_reports_every_bad_field_at_once() -> None:
    with pytest.raises(InvalidRecord) as caught:
        subscriber_from_fields({"email": "bad", "country": "Atlantis", "language": "english"})
    assert [p.field for p in caught.value.problems] == ["email", "country", "language"]


def test_record_interests_and_attributes() -> None:
    record = subscriber_from_fields(
        {
            "email": "a@example.org",
            "interests": "Fatherhood; violence   prevention;;fatherhood",
            "organisation": "Centre 1",
            "attributes": {"seats": 3, "member": True},
            "empty": "",
        }
    )
    assert record.interests == ("fatherhood", "violence prevention")
    assert record.attributes == {"seats": "3", "member": "true", "organisation": "Centre 1"}
    assert record.name is None  # not given: an update leaves the stored name alone


def test_control_characters_in_a_name_are_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        subscriber_from_fields({"email": "a@example.org", "name": "Ivan\x07"})
    assert caught.value.problems[0].field == "name"


def test_nested_attribute_values_are_refused() -> None:
    with pytest.raises(InvalidRecord, match="single value"):
        subscriber_from_fields({"email": "a@example.org", "tags": ["a", "b"]})


_atext = st.sampled_from(list("abcXYZ019!#$%&'*+/=?^_`{|}~-"))
_local = st.lists(st.text(_atext, min_size=1, max_size=8), min_size=1, max_size=3).map(".".join)
_label = st.text(st.sampled_from(list("abzAZ09-")), min_size=1, max_size=8)
_tld = st.sampled_from(["org", "COM", "ru", "ge", "test", "local", "example", "io", "x", "123"])
_domain = st.tuples(st.lists(_label, min_size=1, max_size=3), _tld).map(
    lambda p: ".".join([*p[0], p[1]])
)


@given(local=_local, domain=_domain)
@settings(max_examples=examples(400))
def test_fast_path_agrees_with_email_validator(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        with pytest.raises(InvalidValue):
            normalise_email(address)
        return
    assert normalise_email(address) == f"{checked.local_part}@{checked.ascii_domain.lower()}"
