"""Finding approaches: any language, case and accents ignored; the library's filters."""

from __future__ import annotations

from mailer.core.library_search import LibraryFilter, complete_in, fold, matches

CLUBS = {
    "organisation": "Community organisation, Telavi",
    "countries": ["GE"],
    "interests": ["fatherhood"],
    "image": "https://example.org/clubs.jpg",
    "content": {
        "en": {"title": "Fathers' clubs", "summary": "Ten evenings.", "image_alt": "Fathers"},
        "ru": {"title": "Клубы отцов", "summary": "Десять вечеров."},
        "sr-Latn": {"title": "Klubovi očeva u Šapcu", "summary": "Deset večeri."},
    },
}


def test_fold_drops_case_and_accents_in_every_script() -> None:
    assert fold("Šabac  ÉCOLE") == "sabac ecole"
    assert fold("ЁЛКА") == fold("елка")


def test_every_word_must_occur_in_some_language() -> None:
    assert matches(CLUBS, "КЛУБЫ")
    assert matches(CLUBS, "sapcu oceva")
    assert matches(CLUBS, "telavi clubs")
    assert not matches(CLUBS, "telavi skopje")


def test_complete_needs_title_summary_and_alt_for_an_image() -> None:
    assert complete_in(CLUBS, "en")
    assert not complete_in(CLUBS, "ru")  # no alt text for its image
    assert not complete_in(CLUBS, "ka")


def test_filters() -> None:
    assert LibraryFilter(country="ge").keeps(CLUBS, featured=False)
    assert not LibraryFilter(country="MK").keeps(CLUBS, featured=False)
    assert LibraryFilter(interest="Fatherhood").keeps(CLUBS, featured=False)
    assert not LibraryFilter(never_featured=True).keeps(CLUBS, featured=True)
    assert LibraryFilter(organisation="community organisation, telavi").keeps(CLUBS, featured=False)
    assert not LibraryFilter(complete=("en", "ru")).keeps(CLUBS, featured=False)
    assert LibraryFilter(state="draft", kind="approach").keeps(CLUBS, featured=False)
