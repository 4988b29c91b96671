"""The translation round trip of a set of library approaches: export one target language
(XLIFF 2.0 or PO) for translators, import it back with the checks an issue's file gets, and
each field's state (docs/translations-round-trip.md). The units are
``mailer.core.approach_units``'; the formats, checks and states are the issue's, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from mailer.approaches.store import store_revision, text_of
from mailer.core.approach_units import (
    APPROACH,
    FIELDS,
    approach_units,
    approaches_bundle,
    languages_of,
    slugs_of_key,
    split_id,
    target_language,
    unit_id,
    with_approach_targets,
)
from mailer.core.issue_workflow import Actor, require
from mailer.core.translation_units import (
    APPROACHES,
    Bundle,
    ImportPlan,
    Recorded,
    State,
    Unit,
    plan_import,
    text_hash,
    unit_state,
)
from mailer.db import Connection, Database
from mailer.db import approaches as stored
from mailer.db import translations as recorded_db
from mailer.errors import Conflict, InvalidValue, NotFound, StaleRevision
from mailer.render.translation_files import FORMATS, MEDIA_TYPE, SUFFIX, read_file, write_file


@dataclass(frozen=True)
class ApproachesFile:
    """An exported file: its name, media type and text."""

    name: str
    media_type: str
    text: str


@dataclass(frozen=True)
class ApproachFieldState:
    """One field of one approach in one target language."""

    slug: str
    field: str  # title | summary | image_alt
    id: str  # approaches.<slug>.<field>
    state: State
    source: str
    target: str
    by: str = ""


def _documents(
    conn: Connection, slugs: list[str] | None
) -> dict[str, tuple[int, Mapping[str, Any]]]:
    rows = stored.all_current(conn, slugs)
    if slugs is None:
        rows = [(a, r) for a, r in rows if a.state == "published"]
    found = {a.slug: (a.revision, r.document) for a, r in rows}
    if slugs is not None:
        return {slug: found[slug] for slug in slugs if slug in found}
    return found


def _recorded(conn: Connection, slugs: Iterable[str]) -> dict[tuple[str, str], Recorded]:
    """What was recorded of the approaches' translations, by (language, unit id)."""
    out: dict[tuple[str, str], Recorded] = {}
    for slug in slugs:
        for row in recorded_db.of(conn, APPROACH, slug):
            state: Literal["draft", "reviewed"] = "reviewed" if row.state == "reviewed" else "draft"
            out[(row.language, unit_id(slug, row.field))] = Recorded(
                state, row.source_hash, row.target_hash, row.updated_by
            )
    return out


def chosen(database: Database, slugs: list[str] | None) -> list[str]:
    """The slugs of the approaches a set names (``None``: every published one); ``NotFound``
    for a slug the library does not hold."""
    with database.read() as conn:
        documents = _documents(conn, slugs)
    missing = [s for s in slugs or [] if s not in documents]
    if missing:
        raise NotFound("approach", ", ".join(missing))
    if not documents:
        raise InvalidValue("approaches", "the library has no published approach to translate")
    return list(documents)


def export_file(
    database: Database, slugs: list[str] | None, language: str, form: str
) -> ApproachesFile:
    """The approaches ``slugs`` (``None``: every published one) towards ``language`` as
    ``form`` (``xliff`` or ``po``): every field written in English, its target if any, a note
    per field. ``NotFound`` for a slug the library does not hold."""
    if form not in FORMATS:
        raise InvalidValue("format", f"{form!r}: choose {' or '.join(FORMATS)}")
    tag = target_language(language)
    names = chosen(database, list(dict.fromkeys(slugs)) if slugs is not None else None)
    with database.read() as conn:
        documents = _documents(conn, names)
        recorded = _recorded(conn, names)
    bundle = approaches_bundle(documents, tag)
    states = {u.id: unit_state(u, recorded.get((tag, u.id))) for u in bundle.units}
    stem = names[0] if len(names) == 1 else f"approaches-{len(names)}"
    return ApproachesFile(
        f"{stem}.{tag}.{SUFFIX[form]}", MEDIA_TYPE[form], write_file(bundle, form, states)
    )


def states(
    database: Database, slugs: list[str] | None = None
) -> dict[str, dict[str, list[ApproachFieldState]]]:
    """Each approach's target languages (those its content has, but English) and their
    fields' states: ``{slug: {language: [...]}}``."""
    with database.read() as conn:
        documents = _documents(conn, slugs)
        recorded = _recorded(conn, documents)
    out: dict[str, dict[str, list[ApproachFieldState]]] = {}
    for slug, (_, document) in documents.items():
        out[slug] = {}
        for language in languages_of(document):
            out[slug][language] = [
                ApproachFieldState(
                    slug,
                    u.id.rsplit(".", 1)[1],
                    u.id,
                    unit_state(u, recorded.get((language, u.id))),
                    u.source,
                    u.target,
                    getattr(recorded.get((language, u.id)), "by", ""),
                )
                for u in approach_units(slug, document, language)
            ]
    return out


@dataclass(frozen=True)
class ApproachesImport:
    """What an import of approaches did (or, dry or refused, would do): the set, the
    language, the plan and the revision stored for each approach it changed."""

    key: str
    language: str
    plan: ImportPlan
    dry_run: bool
    revisions: Mapping[str, int]

    @property
    def refused(self) -> bool:
        return bool(self.plan.errors)

    def describe(self) -> list[str]:
        """The report in lines: each finding with where it is, then the counts."""
        lines = [f"{f.severity}: {f.where}: {f.message}" for f in self.plan.findings]
        verb = "would change" if self.dry_run or self.refused else "changed"
        if self.refused:
            lines.append(
                f"refused: {len(self.plan.errors)} error(s); nothing of the file was stored"
            )
        lines += [f"{verb} {c.id}: {c.before!r} → {c.after!r}" for c in self.plan.changes]
        stored_as = ", ".join(f"{slug} revision {n}" for slug, n in self.revisions.items())
        lines.append(
            f"approaches ({self.language}): {len(self.plan.changes)} field(s) {verb}, "
            f"{len(self.plan.unchanged)} unchanged, {len(self.plan.untranslated)} left "
            "untranslated" + (f"; stored as {stored_as}" if stored_as else "")
        )
        return lines


def import_file(
    database: Database, data: bytes, name: str, *, by: Actor, now: datetime, dry_run: bool = False
) -> ApproachesImport:
    """Read a translator's file of approaches and import it (``import_bundle``)."""
    return import_bundle(database, read_file(data, name), name, by=by, now=now, dry_run=dry_run)


def import_bundle(
    database: Database,
    incoming: Bundle,
    name: str,
    *,
    by: Actor,
    now: datetime,
    dry_run: bool = False,
) -> ApproachesImport:
    """Check a translator's file against the approaches it was exported from and store its
    targets, one new revision per approach it changes (author ``by``), all in one
    transaction; each target is a draft, one whose source changed since export is stored
    stale ("needs review"). Any error refuses the whole file, and nothing is stored."""
    require(by, "edit")
    if incoming.kind != APPROACHES:
        raise InvalidValue(name, f"is a file of {incoming.kind!r}; this imports approaches")
    try:
        slugs = slugs_of_key(incoming.key)
        language = target_language(incoming.target_language)
    except InvalidValue as exc:
        raise InvalidValue(f"{name}: its {exc.field}", exc.message) from exc
    with database.read() as conn:
        documents = _documents(conn, slugs)
    current = approaches_bundle(documents, language, key=incoming.key)
    plan = plan_import(current, incoming)
    if dry_run or plan.errors or not plan.changes:
        return ApproachesImport(incoming.key, language, plan, dry_run, {})
    targets: dict[str, dict[str, str]] = {}
    for change in plan.changes:
        where = split_id(change.id)
        assert where is not None  # plan_import knows only our ids
        targets.setdefault(where[0], {})[where[1]] = change.after
    message = f"translation ({language}) imported from {name}"
    revisions = _store(database, documents, targets, plan, language, message, by, now)
    return ApproachesImport(incoming.key, language, plan, dry_run, revisions)


def _store(
    database: Database,
    documents: Mapping[str, tuple[int, Mapping[str, Any]]],
    targets: Mapping[str, Mapping[str, str]],
    plan: ImportPlan,
    language: str,
    message: str,
    by: Actor,
    now: datetime,
) -> dict[str, int]:
    revisions: dict[str, int] = {}
    with database.write() as conn:
        for slug, texts in targets.items():
            planned, document = documents[slug]
            found = stored.find(conn, slug, lock=True)
            base = stored.revision(conn, found.id, planned) if found else None
            if found is None or base is None:
                raise NotFound("approach", slug)
            if found.revision != planned:
                now_at = stored.revision(conn, found.id, found.revision)
                raise StaleRevision(
                    slug,
                    base=planned,
                    current=found.revision,
                    current_by=now_at.author if now_at else "",
                    hint="export the file again, or import it once more",
                    noun="approach",
                )
            translated = with_approach_targets(document, language, texts)
            checked, text = text_of(slug, translated, base.source)
            revisions[slug] = store_revision(
                conn, found, checked, text, by=by.email, message=message, now=now
            )
        for change in plan.changes:
            slug, field = change.id.split(".")[1:]
            recorded_db.record(
                conn,
                APPROACH,
                slug,
                language,
                field,
                state="draft",
                source_hash=text_hash(change.source),
                target_hash=text_hash(change.after),
                by=by.email,
                now=now,
            )
    return revisions


def mark_reviewed(
    database: Database, slug: str, language: str, field: str, *, by: Actor, now: datetime
) -> ApproachFieldState:
    """Record that a person reviewed ``field`` of approach ``slug`` in ``language`` as it
    reads now (no new revision); ``Conflict`` for a field with no translation."""
    require(by, "edit")
    tag = target_language(language)
    with database.write() as conn:
        found = stored.find(conn, slug, lock=True)
        current = stored.current(conn, slug)
        if found is None or current is None:
            raise NotFound("approach", slug)
        unit = next(
            (u for u in approach_units(slug, current[1].document, tag) if u.id.endswith(field)),
            None,
        )
        if unit is None or field not in FIELDS:
            raise NotFound(f"field of approach {slug}", field)
        record_reviewed(conn, APPROACH, slug, tag, field, unit, by=by, now=now)
    return ApproachFieldState(slug, field, unit.id, "reviewed", unit.source, unit.target, by.email)


def record_reviewed(
    conn: Connection,
    kind: str,
    key: str,
    language: str,
    field: str,
    unit: Unit,
    *,
    by: Actor,
    now: datetime,
) -> None:
    """Record that ``by`` reviewed ``unit`` in ``language`` as it reads now (an issue's or an
    approach's field, ``kind``/``key``/``field`` as the states are kept); a field with no
    translation yet has nothing to review (``Conflict``)."""
    if not unit.target.strip():
        raise Conflict(f"{unit.id} has no {language} text yet; there is nothing to review")
    recorded_db.record(
        conn,
        kind,
        key,
        language,
        field,
        state="reviewed",
        source_hash=text_hash(unit.source),
        target_hash=text_hash(unit.target),
        by=by.email,
        now=now,
    )
