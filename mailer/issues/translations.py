"""The translation round trip of an issue: export one target language for translators (XLIFF
2.0 or PO), import it back with checks, see and review each field's state
(docs/translations-round-trip.md).

The core is format- and owner-free: ``mailer.core.translation_units`` (``Unit``, ``Bundle``,
``plan_import``, ``unit_state``) and ``mailer.render.translation_files`` (``write_file``,
``read_file``). An issue is one source of units (``issue_units``); this module binds them to
stored issues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mailer.approaches.translations import ApproachesImport, import_bundle, record_reviewed
from mailer.core.issue_workflow import Actor, require
from mailer.core.translation_units import (
    APPROACHES,
    ISSUE,
    Bundle,
    Finding,
    ImportPlan,
    issue_bundle,
    plan_import,
    text_hash,
    with_targets,
)
from mailer.db import Connection
from mailer.db import issues as stored_issues
from mailer.db import translations as stored
from mailer.errors import InvalidValue, NotFound
from mailer.issues.desk import Desk
from mailer.issues.store import get_issue, save
from mailer.issues.translation_states import (
    FieldState,
    field_states,
    recorded_states,
)
from mailer.render.translation_files import FORMATS, MEDIA_TYPE, SUFFIX, read_file, write_file


@dataclass(frozen=True)
class TranslationFile:
    """An exported file: its name, media type and text."""

    name: str
    media_type: str
    text: str


def states(desk: Desk, slug: str) -> dict[str, list[FieldState]]:
    """Each target language of the issue's current revision: its fields and their states."""
    with desk.database.read() as conn:
        listed = stored_issues.listed(conn, slug)
        recorded = recorded_states(conn, slug)
    if listed is None:
        raise NotFound("issue", slug)
    return field_states(listed.current.document, recorded)


def export_file(desk: Desk, slug: str, language: str, form: str) -> TranslationFile:
    """The issue's current revision towards ``language`` as ``form`` (``xliff`` or ``po``):
    every field written in the first language, its target if any, a note per field."""
    if form not in FORMATS:
        raise InvalidValue("format", f"{form!r}: choose {' or '.join(FORMATS)}")
    view = get_issue(desk, slug)
    bundle = issue_bundle(slug, view.revision, view.document, language)
    by_id = {f.id: f.state for f in states(desk, slug).get(bundle.target_language, [])}
    name = f"{slug}.{bundle.target_language}.{SUFFIX[form]}"
    return TranslationFile(name, MEDIA_TYPE[form], write_file(bundle, form, by_id))


@dataclass(frozen=True)
class TranslationImport:
    """What an import did (or, with ``dry_run`` or errors, would do): the issue and language,
    the plan (changes, unchanged, untranslated, findings) and the revision it stored."""

    slug: str
    language: str
    plan: ImportPlan
    dry_run: bool
    revision: int | None = None  # the new revision, when something was stored
    findings: list[Finding] = field(default_factory=list)

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
        lines.append(
            f"issue {self.slug} ({self.language}): {len(self.plan.changes)} field(s) "
            f"{verb}, {len(self.plan.unchanged)} unchanged, "
            f"{len(self.plan.untranslated)} left untranslated"
            + (f"; stored as revision {self.revision}" if self.revision else "")
        )
        return lines


def import_file(
    desk: Desk,
    data: bytes,
    name: str,
    *,
    by: Actor,
    now: datetime,
    dry_run: bool = False,
    slug: str | None = None,
) -> TranslationImport:
    """Check a translator's file against the issue it was exported from and store its
    targets as one new revision (each a draft; one whose source changed since export is
    stored stale, "needs review"). Any error refuses the whole file and stores nothing;
    ``ImportFileError`` for a file that cannot be read. ``slug``, when given, must be the
    file's issue (the staff page's upload)."""
    require(by, "edit")
    return _import_issue(
        desk, read_file(data, name), name, by=by, now=now, dry_run=dry_run, slug=slug
    )


def import_any(
    desk: Desk, data: bytes, name: str, *, by: Actor, now: datetime, dry_run: bool = False
) -> TranslationImport | ApproachesImport:
    """A translator's file of an issue or of a set of library approaches, imported by its
    kind (``mailer translations import``): see ``import_file`` and
    ``mailer.approaches.translations.import_bundle``."""
    require(by, "edit")
    incoming = read_file(data, name)
    if incoming.kind == APPROACHES:
        return import_bundle(desk.database, incoming, name, by=by, now=now, dry_run=dry_run)
    return _import_issue(desk, incoming, name, by=by, now=now, dry_run=dry_run)


def _import_issue(
    desk: Desk,
    incoming: Bundle,
    name: str,
    *,
    by: Actor,
    now: datetime,
    dry_run: bool,
    slug: str | None = None,
) -> TranslationImport:
    if incoming.kind != ISSUE:
        raise InvalidValue(name, f"is a file of {incoming.kind!r}; this imports issues")
    if slug is not None and incoming.key != slug:
        raise InvalidValue(name, f"is a file of issue {incoming.key!r}, not of {slug!r}")
    view = get_issue(desk, incoming.key)
    try:
        current = issue_bundle(view.slug, view.revision, view.document, incoming.target_language)
    except InvalidValue as exc:
        raise InvalidValue(f"{name}: its target language", exc.message) from exc
    language = current.target_language
    plan = plan_import(current, incoming)
    result = TranslationImport(view.slug, language, plan, dry_run)
    if dry_run or plan.errors or not plan.changes:
        return result
    document = with_targets(view.document, language, {c.id: c.after for c in plan.changes})

    def record(conn: Connection) -> None:
        for change in plan.changes:
            stored.record(
                conn,
                ISSUE,
                view.slug,
                language,
                change.id,
                state="draft",
                source_hash=text_hash(change.source),
                target_hash=text_hash(change.after),
                by=by.email,
                now=now,
            )

    saved = save(
        desk,
        view.slug,
        document,
        base_revision=view.revision,
        by=by,
        now=now,
        message=f"translation ({language}) imported from {name}",
        also=record,
    )
    return TranslationImport(view.slug, language, plan, dry_run, saved.revision)


def mark_reviewed(
    desk: Desk, slug: str, language: str, field_id: str, *, by: Actor, now: datetime
) -> FieldState:
    """Record that a person reviewed ``field_id`` in ``language`` as it reads now; refused
    for a field with no translation (``Conflict``)."""
    require(by, "edit")
    with desk.database.write() as conn:
        issue = stored_issues.find(conn, slug, lock=True)
        listed = stored_issues.listed(conn, slug)
        if issue is None or listed is None:
            raise NotFound("issue", slug)
        bundle = issue_bundle(slug, listed.current.number, listed.current.document, language)
        tag = bundle.target_language
        unit = bundle.unit(field_id)
        if unit is None:
            raise NotFound(f"field of issue {slug}", field_id)
        record_reviewed(conn, ISSUE, slug, tag, field_id, unit, by=by, now=now)
    return FieldState(field_id, "reviewed", unit.source, unit.target, by.email)
