"""Serbian Cyrillic to Latin, the standard one-to-one table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailer.core.transliterate import is_serbian_latin, serbian_latin

ALPHABET = "АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ"
LATIN = [
    "A",
    "B",
    "V",
    "G",
    "D",
    "Đ",
    "E",
    "Ž",
    "Z",
    "I",
    "J",
    "K",
    "L",
    "Lj",
    "M",
    "N",
    "Nj",
    "O",
    "P",
    "R",
    "S",
    "T",
    "Ć",
    "U",
    "F",
    "H",
    "C",
    "Č",
    "Dž",
    "Š",
]


def test_every_letter_of_the_alphabet_in_both_cases() -> None:
    assert len(ALPHABET) == len(LATIN) == 30
    for cyrillic, latin in zip(ALPHABET, LATIN, strict=True):
        assert serbian_latin(cyrillic) == latin
        assert serbian_latin(cyrillic.lower()) == latin.lower()


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Очеви клубови у Кахетији", "Očevi klubovi u Kahetiji"),
        ("Ђорђе Ћирић, Џон и Његош", "Đorđe Ćirić, Džon i Njegoš"),
        ("ЉУБАВ И ЊЕГА", "LJUBAV I NJEGA"),  # a capital digraph inside capitals stays capital
        ("Љубав", "Ljubav"),
        ("Вебинар: https://example.org/prijava?id=7", "Vebinar: https://example.org/prijava?id=7"),
        ("<b>Школа</b> {{ name }}", "<b>Škola</b> {{ name }}"),
    ],
)
def test_words_sentences_and_markup(cyrillic: str, latin: str) -> None:
    assert serbian_latin(cyrillic) == latin


@given(st.text(alphabet=st.characters(max_codepoint=0x24F)))
def test_text_without_cyrillic_is_unchanged(text: str) -> None:
    assert serbian_latin(text) == text


@pytest.mark.parametrize(
    ("tag", "latin"),
    [("sr-Latn", True), ("sr-latn-RS", True), ("sr", False), ("sr-Cyrl", False), ("hr", False)],
)
def test_which_tags_are_the_latin_edition(tag: str, latin: bool) -> None:
    assert is_serbian_latin(tag) is latin
