"""What a valid subscriber is: address, country, language, interests and attributes.

Each ``normalise_*`` function returns the stored form or raises ``InvalidValue`` naming the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Final

import langcodes
import pycountry
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from mailer.errors import InvalidRecord, InvalidValue

STATUSES: Final = ("unconfirmed", "active", "unsubscribed", "bounced", "complained", "blocklisted")
# Statuses an import or a form may never turn back into "active": the person said no, or the
# address is known to be dead or hostile.
FINAL_STATUSES: Final = frozenset({"unsubscribed", "bounced", "complained", "blocklisted"})
IMPORT_STATUSES: Final = ("active", "unconfirmed")

MAX_EMAIL = 320
MAX_NAME = 200
MAX_INTEREST = 100
MAX_ATTRIBUTE_KEY = 100
MAX_ATTRIBUTE_VALUE = 2000

# Names people use that ISO 3166 spells differently, for the network's region and its partners.
COUNTRY_ALIASES: Final = {
    "macedonia": "MK",
    "republic of macedonia": "MK",
    "russia": "RU",
    "turkey": "TR",
    "kosovo": "XK",
    "uk": "GB",
    "great britain": "GB",
    "united kingdom": "GB",
    "usa": "US",
    "kyrgyzstan": "KG",
}
# Kosovo is a user-assigned code, not in ISO 3166-1, but used by the EU and the network.
EXTRA_ALPHA2: Final = frozenset({"XK"})

# Bytes that failed to decode arrive as lone surrogates (``surrogateescape``).
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\udc80-\udcff"
_SUSPECT_MULTILINE = re.compile(f"[{_CONTROL}]")
_SUSPECT_LINE = re.compile(f"[{_CONTROL}\r\n\u0085]")


def check_text(field_name: str, value: str, *, max_length: int, multiline: bool = False) -> str:
    """Trimmed text without control characters (line breaks only where ``multiline``)."""
    text = value.strip()
    if (_SUSPECT_MULTILINE if multiline else _SUSPECT_LINE).search(text):
        if _UNDECODABLE.search(text):
            raise InvalidValue(field_name, "contains bytes that are not valid UTF-8")
        raise InvalidValue(field_name, "contains a control character or line break")
    if len(text) > max_length:
        raise InvalidValue(field_name, f"is longer than {max_length} characters")
    return text


# The common shape of an address that email-validator accepts unchanged: a dot-atom local
# part and lower-case-able ASCII hostname labels (no "--", so no punycode) under an alphabetic
# TLD. Such addresses skip the library, whose IDNA checks cost ~40 µs each and dominated import
# time; everything else goes through it. A hypothesis test keeps the two in agreement.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_COMMON_ADDRESS = re.compile(rf"({_ATEXT}+(?:\.{_ATEXT}+)*)@((?:{_LABEL}\.)+[A-Za-z]{{2,63}})")
_SPECIAL_USE = tuple(SPECIAL_USE_DOMAIN_NAMES)


def _common_address(text: str) -> str | None:
    match = _COMMON_ADDRESS.fullmatch(text)
    if match is None or len(text) > 254 or len(match.group(1)) > 64:
        return None
    domain = match.group(2).lower()
    if "--" in domain or len(domain) > 253:
        return None
    if any(domain == name or domain.endswith("." + name) for name in _SPECIAL_USE):
        return None
    return f"{match.group(1)}@{domain}"


def normalise_email(value: str) -> str:
    """Trimmed, validated (no DNS), domain lower-cased and IDN domains in punycode."""
    text = value.strip()
    if not text:
        raise InvalidValue("email", "is empty")
    check_text("email", text, max_length=MAX_EMAIL)
    common = _common_address(text)
    if common is not None:
        return common
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidValue("email", f"{text!r} is not a valid address: {exc}") from None
    return f"{checked.local_part}@{checked.ascii_domain.lower()}"


def email_key(email: str) -> str:
    """What makes two addresses the same subscriber: the normalised address, case-folded."""
    return unicodedata.normalize("NFC", email).casefold()


@lru_cache(maxsize=4096)
def normalise_country(value: str) -> str:
    """ISO 3166-1 alpha-2 from alpha-2, alpha-3 or an English name."""
    text = value.strip()
    if not text:
        raise InvalidValue("country", "is empty")
    upper = text.upper()
    if len(upper) == 2 and (upper in EXTRA_ALPHA2 or pycountry.countries.get(alpha_2=upper)):
        return upper
    alias = COUNTRY_ALIASES.get(text.casefold())
    if alias:
        return alias
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        raise InvalidValue(
            "country", f"{text!r} is not an ISO 3166 country code or English country name"
        ) from None
    return str(found.alpha_2)


@lru_cache(maxsize=4096)
def normalise_language(value: str) -> str:
    """A valid BCP 47 tag in canonical form (``sr_latn`` becomes ``sr-Latn``)."""
    text = value.strip().replace("_", "-")
    if not text:
        raise InvalidValue("language", "is empty")
    if not langcodes.tag_is_valid(text):
        raise InvalidValue("language", f"{value.strip()!r} is not a valid BCP 47 language tag")
    return str(langcodes.standardize_tag(text))


def normalise_interest(value: str) -> str:
    """Interest names compare case-insensitively with inner whitespace collapsed."""
    text = " ".join(check_text("interests", value, max_length=MAX_INTEREST).split()).casefold()
    if not text:
        raise InvalidValue("interests", "contains an empty interest name")
    return text


def split_interests(value: str) -> tuple[str, ...]:
    """``fatherhood; Violence prevention`` → ``('fatherhood', 'violence prevention')``."""
    seen: dict[str, None] = {}
    for part in value.split(";"):
        if part.strip():
            seen[normalise_interest(part)] = None
    return tuple(seen)


def normalise_attribute(key: str, value: object) -> tuple[str, str] | None:
    """Attributes are flat text: scalars become strings; empty values are dropped."""
    name = check_text("attribute name", key, max_length=MAX_ATTRIBUTE_KEY)
    if not name:
        raise InvalidValue("attribute name", "is empty")
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float | str):
        text = str(value)
    else:
        raise InvalidValue(name, "must be a single value (text or number), not a list or object")
    text = check_text(name, text, max_length=MAX_ATTRIBUTE_VALUE, multiline=True)
    return (name, text) if text else None


@dataclass(frozen=True)
class SubscriberInput:
    """One subscriber as given by an import row, a form or the API, already normalised.

    ``None`` and empty collections mean "not given": an update leaves the stored value alone.
    """

    email: str
    name: str | None = None
    country: str | None = None
    language: str | None = None
    interests: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Consent:
    """Evidence of consent: where and when it was given, from which IP, when confirmed."""

    source: str
    at: datetime
    ip: str | None = None
    confirmed_at: datetime | None = None


KNOWN_FIELDS: Final = ("email", "name", "country", "language", "interests")


def subscriber_from_fields(fields: Mapping[str, object]) -> SubscriberInput:
    """Validate one record (CSV row, JSON object, form); every bad field is reported at once.

    ``interests`` is a ``;``-separated string or a list; ``attributes`` (a mapping) and every
    unknown key become attributes. Empty values mean "not given".
    """
    problems: list[InvalidValue] = []

    def text(name: str) -> str:
        value = fields.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            problems.append(InvalidValue(name, "must be text"))
            return ""
        return value

    email = ""
    try:
        raw_email = text("email")
        if not raw_email.strip():
            raise InvalidValue("email", "is missing")
        email = normalise_email(raw_email)
    except InvalidValue as exc:
        problems.append(exc)
    name: str | None = None
    country: str | None = None
    language: str | None = None
    interests: tuple[str, ...] = ()
    try:
        name = check_text("name", text("name"), max_length=MAX_NAME) or None
    except InvalidValue as exc:
        problems.append(exc)
    try:
        raw = text("country")
        country = normalise_country(raw) if raw.strip() else None
    except InvalidValue as exc:
        problems.append(exc)
    try:
        raw = text("language")
        language = normalise_language(raw) if raw.strip() else None
    except InvalidValue as exc:
        problems.append(exc)
    try:
        interests = _interests(fields.get("interests"))
    except InvalidValue as exc:
        problems.append(exc)
    attributes: dict[str, str] = {}
    extra = fields.get("attributes")
    items: list[tuple[str, object]] = []
    if isinstance(extra, Mapping):
        items.extend((str(k), v) for k, v in extra.items())
    elif extra is not None:
        items.append(("attributes", extra))
    items.extend((k, v) for k, v in fields.items() if k not in KNOWN_FIELDS and k != "attributes")
    for key, value in items:
        try:
            pair = normalise_attribute(key, value)
        except InvalidValue as exc:
            problems.append(exc)
            continue
        if pair:
            attributes[pair[0]] = pair[1]
    if problems:
        raise InvalidRecord(problems)
    return SubscriberInput(
        email=email,
        name=name,
        country=country,
        language=language,
        interests=interests,
        attributes=attributes,
    )


def _interests(value: object) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return split_interests(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return split_interests(";".join(value))
    raise InvalidValue("interests", "must be text separated by ';' or a list of text")


@dataclass(frozen=True)
class Recipient:
    """What composing needs to know of one subscriber."""

    id: int
    email: str
    name: str
    country: str | None
    language: str | None
    interests: frozenset[str]
    # the subscriber's link nonce (mailer.core.owners); empty: links that name nobody
    link_nonce: str = ""
