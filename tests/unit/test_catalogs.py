"""The gettext catalogs: every word people read has a msgid, every catalog translates every
msgid, and no translation breaks a placeholder (``make catalogs`` brings new msgids in)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from mailer.render.catalogs import LOCALE_DIR, languages, translate
from mailer.render.templates import ONE_LINE_BAD
from mailer.render.words import MAIL
from mailer.web.public.words import PUBLIC

PACKAGE = LOCALE_DIR.parent
CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/mailer.po"))
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]")


@cache
def extracted() -> set[str]:
    """The msgids in the source, found the way ``make catalogs`` finds them."""
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords={"N_": None})
    return {str(message) for _, _, message, _, _ in found}


def read(path: Path) -> dict[str, tuple[str, bool]]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): (str(m.string), m.fuzzy) for m in catalog if m.id}


def test_the_template_holds_every_msgid_of_the_source() -> None:
    pot = set(read(LOCALE_DIR / "mailer.pot"))
    missing = extracted() - pot
    assert not missing, f"run `make catalogs`: mailer.pot lacks {sorted(missing)}"
    assert pot - extracted() == set(), "mailer.pot has msgids no code uses: run `make catalogs`"


def test_every_word_table_entry_is_a_msgid() -> None:
    assert set(MAIL.values()) | set(PUBLIC.values()) <= extracted()


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_every_catalog_translates_every_msgid_with_its_placeholders(path: Path) -> None:
    catalog = read(path)
    name = path.relative_to(PACKAGE.parent)
    for msgid in sorted(extracted()):
        string, fuzzy = catalog.get(msgid, ("", False))
        assert string.strip(), f"{name}: no translation of {msgid!r}"
        assert not fuzzy, f"{name}: the translation of {msgid!r} is fuzzy (needs review)"
        wanted, got = sorted(PLACEHOLDER.findall(msgid)), sorted(PLACEHOLDER.findall(string))
        assert got == wanted, f"{name}: {msgid!r} has placeholders {wanted}, {string!r} {got}"
        assert string.count("{") == string.count("}"), f"{name}: unbalanced braces in {string!r}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_subjects_are_one_line(path: Path) -> None:
    catalog = read(path)
    for key, msgid in MAIL.items():
        if key.endswith("_subject"):
            assert not ONE_LINE_BAD.search(catalog.get(msgid, ("", False))[0]), (path, key)


def test_a_broken_placeholder_is_caught(tmp_path: Path) -> None:
    """The check above would fail on a translation that renames a placeholder."""
    broken = tmp_path / "xx.po"
    broken.write_text('msgid "Read more: {title}"\nmsgstr "Далее: {titel}"\n', encoding="utf-8")
    string, _ = read(broken)["Read more: {title}"]
    assert PLACEHOLDER.findall(string) != PLACEHOLDER.findall("Read more: {title}")


def test_languages_are_english_and_every_catalog() -> None:
    found = languages("mailer")
    assert found[0] == "en"
    assert set(found[1:]) == {path.parent.parent.name.replace("_", "-") for path in CATALOGS}


def test_a_missing_language_falls_back_along_truncations_then_english() -> None:
    assert translate("mailer", "ru-RU", "Subscribe") == "Подписаться"
    assert translate("mailer", "xx", "Subscribe") == "Subscribe"
