"""A set of library approaches as translation units: the second source of units, beside an
issue's (``mailer.core.translation_units``, whose formats, checks and states it reuses).

Field ids are ``approaches.<slug>.title``, ``.summary`` and ``.image_alt`` (the last only for
an approach with an image); only fields written in the library's source language (English)
are exported. A bundle's ``key`` names the set (its slugs, comma-separated), so a file says
which approaches it carries; its ``revision`` names each one's revision
(``fathers-clubs@3 peer-exchange@5``). States are recorded per approach (kind ``approach``,
key the slug, field ``title`` …), so the same approach in two sets shares them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Final

from mailer.core.campaigns import SLUG
from mailer.core.subscribers import normalise_language
from mailer.core.translation_units import (
    APPROACHES,
    MAX_LENGTH,
    NOTES,
    ONE_LINE,
    Bundle,
    Unit,
    Written,
)
from mailer.errors import InvalidValue

APPROACH: Final = "approach"  # the kind under which an approach's states are recorded
SOURCE_LANGUAGE: Final = "en"  # the library's source language (docs/approaches.md)
FIELDS: Final = ("title", "summary", "image_alt")
_NOTES: Final = {
    "title": "Title of the approach's card in the mail: one line.",
    "summary": NOTES["summary"].replace("item's", "approach's"),
    "image_alt": NOTES["image_alt"].replace("item's", "approach's"),
}


def unit_id(slug: str, name: str) -> str:
    return f"approaches.{slug}.{name}"


def split_id(value: str) -> tuple[str, str] | None:
    """(slug, field) of a unit id, or ``None`` when it is not an approach's."""
    parts = value.split(".")
    if len(parts) != 3 or parts[0] != "approaches" or parts[2] not in FIELDS:
        return None
    return parts[1], parts[2]


def target_language(language: str, source: str = SOURCE_LANGUAGE) -> str:
    """``language`` normalised, when it can be a target of the library; ``InvalidValue``
    naming why not (not a language tag, or the source language itself)."""
    try:
        tag = normalise_language(language)
    except InvalidValue as exc:
        raise InvalidValue("language", exc.message) from exc
    if tag == source:
        raise InvalidValue(
            "language", f"{tag!r} is the library's source language; choose a target language"
        )
    return tag


def set_key(slugs: Iterable[str]) -> str:
    """How a bundle names its set of approaches: the slugs, comma-separated."""
    return ",".join(slugs)


def slugs_of_key(key: str) -> list[str]:
    """The slugs a bundle's key names; ``InvalidValue`` when one is not a slug."""
    slugs = [s.strip() for s in key.split(",") if s.strip()]
    bad = [s for s in slugs if not SLUG.fullmatch(s)]
    if not slugs or bad:
        raise InvalidValue("key", f"{key!r} does not name approaches by their slugs")
    return slugs


def _entry(document: Mapping[str, Any], language: str) -> Mapping[str, Any]:
    content = document.get("content")
    if not isinstance(content, Mapping):
        return {}
    for tag, entry in content.items():
        if _same(tag, language) and isinstance(entry, Mapping):
            return entry
    return {}


def _text(entry: Mapping[str, Any], name: str) -> str:
    value = entry.get(name)
    return value if isinstance(value, str) else ""


def approach_units(
    slug: str, document: Mapping[str, Any], target: str, source: str = SOURCE_LANGUAGE
) -> list[Unit]:
    """The approach's fields written in ``source`` as units towards ``target``."""
    organisation = document.get("organisation")
    where = f"approach {slug}" + (
        f" ({organisation})" if isinstance(organisation, str) and organisation else ""
    )
    names = FIELDS if document.get("image") else FIELDS[:2]
    units = []
    for name in names:
        text = _text(_entry(document, source), name)
        if not text.strip():
            continue
        limit = MAX_LENGTH.get(name)
        note = f"{_NOTES[name]} In the library's {where}." + (
            f" At most {limit} characters." if limit else ""
        )
        units.append(
            Unit(
                unit_id(slug, name),
                text,
                _text(_entry(document, target), name),
                note,
                limit,
                name in ONE_LINE,
            )
        )
    return units


def approaches_bundle(
    approaches: Mapping[str, tuple[int, Mapping[str, Any]]],
    language: str,
    *,
    key: str | None = None,
    source: str = SOURCE_LANGUAGE,
) -> Bundle:
    """The approaches (slug -> (revision, document), in the order given) towards
    ``language`` as one bundle of kind ``approaches``."""
    target = target_language(language, source)
    units = [u for slug, (_, doc) in approaches.items() for u in approach_units(slug, doc, target)]
    revision = " ".join(f"{slug}@{number}" for slug, (number, _) in approaches.items())
    return Bundle(
        APPROACHES,
        key if key is not None else set_key(approaches),
        revision,
        source,
        target,
        tuple(units),
    )


def with_approach_targets(
    document: Mapping[str, Any], language: str, targets: Mapping[str, str]
) -> dict[str, Any]:
    """A copy of ``document`` with each field's (``title`` …) text in ``language`` set."""
    out = copy.deepcopy(dict(document))
    content = out.setdefault("content", {})
    key = next(
        (t for t in content if isinstance(content[t], Mapping) and _same(t, language)), language
    )
    entry = content.setdefault(key, {})
    for name, text in targets.items():
        entry[name] = text
    return out


def _same(tag: object, language: str) -> bool:
    try:
        return isinstance(tag, str) and normalise_language(tag) == language
    except InvalidValue:
        return False


def languages_of(document: Mapping[str, Any], source: str = SOURCE_LANGUAGE) -> list[str]:
    """The approach's target languages: those its content has, but the source."""
    content = document.get("content")
    out: list[str] = []
    for tag in content if isinstance(content, Mapping) else []:
        try:
            language = normalise_language(tag) if isinstance(tag, str) else ""
        except InvalidValue:
            continue
        if language and language != source and language not in out:
            out.append(language)
    return out


def approach_written_by_save(
    slug: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    recorded: Iterable[tuple[str, str]],
) -> list[Written]:
    """What a save of approach ``slug`` means for its translations, as an issue's save
    (``translation_units.written_by_save``): each target it wrote or changed is a draft of the
    current source; a target nobody recorded (``recorded``: (language, field)) whose source
    the save changes is a draft of the source it was written for, so it shows stale. The
    ``id`` of each is the field's name (``title``)."""
    known = set(recorded)
    out: list[Written] = []
    for language in languages_of(after):
        old = {u.id: u for u in (approach_units(slug, before, language) if before else [])}
        for unit in approach_units(slug, after, language):
            name = unit.id.rsplit(".", 1)[1]
            was = old.get(unit.id)
            if unit.target.strip() and (was is None or was.target != unit.target):
                out.append(Written(language, name, unit.source, unit.target))
            elif (
                (language, name) not in known
                and was is not None
                and was.target.strip()
                and was.source != unit.source
            ):
                out.append(Written(language, name, was.source, was.target))
    return out
