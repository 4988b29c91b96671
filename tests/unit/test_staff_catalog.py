"""The staff UI's catalog (domain ``staff``: English msgids, Russian in
``mailer/locale/ru/LC_MESSAGES/staff.po``): every word of the staff tables is a msgid, the
template holds them all, and Russian translates each with its placeholders."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from mailer.errors import Conflict, InvalidValue, NotFound
from mailer.render.catalogs import CONTEXT, LOCALE_DIR, languages, translate
from mailer.web.staff.site import LANGUAGES, sentence, staff_language
from mailer.web.staff.words import STAFF

PACKAGE = LOCALE_DIR.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+(?:![rs])?\}")
STAFF_CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/staff.po"))


def key(context: str | None, msgid: str) -> str:
    return f"{context}{CONTEXT}{msgid}" if context else msgid


@cache
def extracted() -> set[str]:
    """The staff msgids in the source, found the way ``make catalogs`` finds them."""
    found = extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords={"S_": None, "C_": ((1, "c"), 2)},
    )
    return {key(context, str(message)) for _, _, message, _, context in found}


def read(path: Path) -> dict[str, tuple[str, bool]]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {key(m.context, str(m.id)): (str(m.string), m.fuzzy) for m in catalog if m.id}


def test_every_staff_word_is_a_msgid_of_the_template() -> None:
    words = {msgid for table in STAFF.values() for msgid in table.values()}
    assert words <= extracted()
    pot = set(read(LOCALE_DIR / "staff.pot"))
    assert extracted() - pot == set(), "run `make catalogs`: staff.pot lacks msgids"
    assert pot - extracted() == set(), "staff.pot has msgids no code uses: run `make catalogs`"


def test_the_staff_languages_are_english_and_each_staff_catalog() -> None:
    assert languages("staff") == LANGUAGES
    assert [path.parent.parent.name for path in STAFF_CATALOGS] == ["ru"]


@pytest.mark.parametrize("path", STAFF_CATALOGS, ids=lambda path: path.parent.parent.name)
def test_every_staff_catalog_translates_every_msgid_with_its_placeholders(path: Path) -> None:
    catalog = read(path)
    for msgid in sorted(extracted()):
        string, fuzzy = catalog.get(msgid, ("", False))
        shown = msgid.replace(CONTEXT, " | ")
        assert string.strip(), (
            f"{path.name} ({path.parent.parent.name}): no translation of {shown!r}"
        )
        assert not fuzzy, f"the translation of {shown!r} is fuzzy (needs review)"
        wanted, got = sorted(PLACEHOLDER.findall(msgid)), sorted(PLACEHOLDER.findall(string))
        assert got == wanted, f"{shown!r} has placeholders {wanted}, {string!r} has {got}"


def test_one_english_word_with_two_russian_ones_keeps_them_apart() -> None:
    assert translate("staff", "ru", STAFF["site"]["schedule"]) == "Расписание"
    assert translate("staff", "ru", STAFF["issue"]["schedule_submit"]) == "Запланировать"
    assert translate("staff", "en", STAFF["issue"]["schedule_submit"]) == "Schedule"


def test_staff_language_from_accept_language() -> None:
    assert staff_language("ru-RU,ru;q=0.9,en;q=0.8") == "ru"
    assert staff_language("de-DE, en;q=0.5, ru;q=0.1") == "en"
    assert staff_language("ru;q=0, de") == "en"
    assert staff_language("") == "en"


def test_errors_read_as_sentences() -> None:
    assert sentence(InvalidValue("addresses", "Give at least one address.")) == (
        "Give at least one address."
    )
    assert sentence(InvalidValue("send_at", "is in the past")) == "Send at: is in the past."
    assert sentence(NotFound("list", "nope")) == "No list 'nope'."
    assert sentence(InvalidValue("names.csv", "no 'email' column")) == (
        "names.csv: no 'email' column."
    )
    assert sentence(Conflict("did you mean 'fatherhood'?")) == "Did you mean 'fatherhood'?"
