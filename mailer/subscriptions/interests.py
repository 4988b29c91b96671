"""The interest vocabulary and list titles: the words a subscriber reads instead of data.

An interest has a slug (what imports, segments and issues name: ``fatherhood``), a title per
language (``ka`` → ``მამობა``) and is public (offered on the subscribe and preferences forms)
or private. An import naming an unknown slug creates it private: its followers keep it, but no
form offers it until staff give it an English title and publish it. Renaming changes the
slug and keeps every follower; merging moves the followers of one interest to another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mailer.core.segment_parser import parse_segment
from mailer.core.segments import render_segment, with_value_renamed
from mailer.core.subscribers import check_text, normalise_interest
from mailer.core.vocabulary import did_you_mean, title_in
from mailer.db import Connection, Database, saved_segments
from mailer.db import interests as queries
from mailer.db import lists as list_queries
from mailer.db.interests import InterestWord as InterestWord  # what the faces show
from mailer.errors import Conflict, InvalidValue, NotFound

MAX_TITLE = 100
MAX_DESCRIPTION = 500


def list_interests(database: Database) -> list[InterestWord]:
    with database.read() as conn:
        return queries.vocabulary(conn)


def _slug(value: str) -> str:
    return normalise_interest(value)


def _titles(titles: Mapping[str, str]) -> dict[str, str]:
    return {
        tag: check_text(f"title ({tag})", title, max_length=MAX_TITLE)
        for tag, title in titles.items()
    }


def _existing(conn: Connection, slug: str) -> InterestWord:
    found = queries.find_interest(conn, slug)
    if found is None:
        known = [word.slug for word in queries.vocabulary(conn)]
        missing = NotFound("interest", slug)
        missing.args = (f"there is no interest {slug!r}{did_you_mean(slug, known)}",)
        raise missing
    return found


def add_interest(
    database: Database, slug: str, *, titles: Mapping[str, str], public: bool = False
) -> InterestWord:
    """A new interest; a slug already taken is a ``Conflict``. Public needs an English title."""
    name, cleaned = _slug(slug), _titles(titles)
    if public and not cleaned.get("en"):
        raise InvalidValue("title", "a public interest needs an English title (en=…)")
    with database.write() as conn:
        if queries.find_interest(conn, name) is not None:
            raise Conflict(f"interest {name!r} already exists")
        queries.insert_interest(conn, name, titles=cleaned, public=public)
        return queries.get_interest(conn, name)


def set_titles(database: Database, slug: str, titles: Mapping[str, str]) -> InterestWord:
    """Sets the given titles of an interest (an empty title removes that language's)."""
    changes = {tag: " ".join(title.split()) for tag, title in titles.items()}
    with database.write() as conn:
        word = _existing(conn, _slug(slug))
        merged = {**word.titles, **_titles({t: v for t, v in changes.items() if v})}
        merged = {tag: title for tag, title in merged.items() if changes.get(tag, title)}
        if word.public and not merged.get("en"):
            raise InvalidValue("title", "a public interest keeps its English title")
        queries.update_interest(conn, word.id, titles=merged)
        return queries.get_interest(conn, word.slug)


def publish(database: Database, slug: str, *, public: bool = True) -> InterestWord:
    """Offers an interest on the public forms (or stops offering it: ``public=False``)."""
    with database.write() as conn:
        word = _existing(conn, _slug(slug))
        if public and not word.titles.get("en"):
            raise InvalidValue(
                "title",
                f"interest {word.slug!r} has no English title yet; give it one "
                f"(mailer interests title {word.slug} en=…) before publishing it",
            )
        queries.update_interest(conn, word.id, public=public)
        return queries.get_interest(conn, word.slug)


def rename(database: Database, slug: str, new_slug: str) -> InterestWord:
    """Changes an interest's slug; every follower keeps it. A taken slug is a ``Conflict``
    (merge the two instead)."""
    old, new = _slug(slug), _slug(new_slug)
    with database.write() as conn:
        word = _existing(conn, old)
        if new != old and queries.find_interest(conn, new) is not None:
            raise Conflict(f"interest {new!r} already exists; merge {old!r} into it instead")
        queries.update_interest(conn, word.id, name=new)
        _follow_in_saved_segments(conn, old, new)
        return queries.get_interest(conn, new)


def merge(database: Database, slug: str, into: str) -> tuple[InterestWord, int]:
    """Moves every follower of ``slug`` to ``into`` and deletes ``slug``; returns the
    interest kept and how many followers it gained."""
    source_slug, target_slug = _slug(slug), _slug(into)
    if source_slug == target_slug:
        raise InvalidValue("interest", f"cannot merge {source_slug!r} into itself")
    with database.write() as conn:
        source, target = _existing(conn, source_slug), _existing(conn, target_slug)
        moved = queries.merge_interest(conn, source.id, target.id)
        _follow_in_saved_segments(conn, source.slug, target.slug)
        return queries.get_interest(conn, target.slug), moved


def _follow_in_saved_segments(conn: Connection, old: str, new: str) -> None:
    """Saved segments name interests by slug: each one naming ``old`` names ``new`` instead,
    so its @name keeps reaching the same people."""
    for segment in saved_segments.all_saved(conn):
        before = parse_segment(segment.expression)
        after = with_value_renamed(before, "interest", old, new)
        if after != before:
            saved_segments.set_expression(conn, segment.name, render_segment(after))


def title_list(
    database: Database, name: str, language: str, *, title: str, description: str = ""
) -> None:
    """Sets what readers of ``language`` see of a list: its title and description (an empty
    title removes that language's)."""
    set_list_titles(database, name, {language: (title, description)})


def set_list_titles(database: Database, name: str, entries: Mapping[str, tuple[str, str]]) -> None:
    """Sets (title, description) of a list for each language of ``entries`` in one
    transaction; an empty title removes that language's. Nothing is stored if one is bad."""
    cleaned: dict[str, dict[str, str]] = {}
    for language, (title, description) in entries.items():
        tag = check_text("language", language, max_length=35)
        if not tag:
            raise InvalidValue("language", "is missing")
        cleaned[tag] = {
            "title": check_text(f"title ({tag})", " ".join(title.split()), max_length=MAX_TITLE),
            "description": check_text(
                f"description ({tag})", description.strip(), max_length=MAX_DESCRIPTION
            ),
        }
    with database.write() as conn:
        list_id = list_queries.get_list_id(conn, name)
        titles = queries.list_titles(conn).get(name, {})
        for tag, entry in cleaned.items():
            if entry["title"]:
                titles[tag] = entry
            else:
                titles.pop(tag, None)
        queries.set_list_titles(conn, list_id, titles)


def list_titles_in(database: Database, names: Sequence[str], language: str) -> tuple[str, ...]:
    """The lists ``names`` as a reader of ``language`` sees them (a list never titled: its
    name)."""
    with database.read() as conn:
        titles = queries.list_titles(conn)
    return tuple(
        title_in({t: v.get("title", "") for t, v in titles.get(name, {}).items()}, language, name)
        for name in names
    )


def list_titles(database: Database) -> dict[str, dict[str, dict[str, str]]]:
    with database.read() as conn:
        return queries.list_titles(conn)
