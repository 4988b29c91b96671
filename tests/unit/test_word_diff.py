"""Two texts marked word by word for the history page."""

from __future__ import annotations

from mailer.core.word_diff import MAX_WORDS, Piece, marked


def test_changed_words_are_marked_on_each_side() -> None:
    before, after = marked("Fathers' clubs in Kakheti", "Fathers' groups in Kakheti and Tbilisi")
    assert before == [
        Piece("same", "Fathers' "),
        Piece("removed", "clubs"),
        Piece("same", " in Kakheti"),
    ]
    assert after == [
        Piece("same", "Fathers' "),
        Piece("added", "groups"),
        Piece("same", " in Kakheti"),
        Piece("added", " and Tbilisi"),
    ]


def test_a_field_that_was_not_there_has_no_pieces() -> None:
    assert marked(None, "Новое") == ([], [Piece("added", "Новое")])
    assert marked("Старое", None) == ([Piece("removed", "Старое")], [])


def test_a_huge_field_is_shown_whole() -> None:
    text = "word " * MAX_WORDS
    before, after = marked(text, text + "more")
    assert before == [Piece("removed", text)]
    assert after == [Piece("added", text + "more")]
