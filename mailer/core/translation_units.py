"""Translation units: the fields a translator works on, each with a stable id, its source text,
its target text and a note saying where it appears. The file formats (XLIFF 2.0, PO:
``mailer.render.translation_files``) and the import checks (``plan_import``) see only units,
so an issue is one source of them and a set of library approaches can be another.

A unit's *state* in a language: ``missing`` (no target), ``draft``, ``reviewed`` (a person
marked it so, and neither text changed since), or ``stale`` (its source changed since the
target was written: it needs review). States are computed from what was recorded when the
target was written or reviewed (``Recorded``: the hashes of both texts then), so no save path
has to remember to mark anything stale.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from mailer.core.subscribers import normalise_language
from mailer.core.translation_markup import links_changed as links_changed  # re-exported
from mailer.core.translation_markup import markup_lost as markup_lost
from mailer.core.translation_markup import markup_of as markup_of
from mailer.errors import InvalidValue

State = Literal["missing", "draft", "reviewed", "stale"]
STATES: Final[tuple[State, ...]] = ("missing", "draft", "reviewed", "stale")
ISSUE: Final = "issue"  # the kind of a bundle made of an issue's fields
APPROACHES: Final = "approaches"  # the kind of a bundle made of library approaches' fields
NOUNS: Final = {ISSUE: "issue", APPROACHES: "set of approaches"}  # "not a field of this …"
# Advice, not rules of mail: what inboxes show before they cut (checked as warnings).
MAX_LENGTH: Final = {"subject": 120, "preheader": 150, "image_alt": 250, "title": 200}
ONE_LINE: Final = frozenset({"subject", "preheader", "title", "image_alt"})
NOTES: Final = {
    "subject": "Subject line of the mail: one line, shown in the inbox.",
    "preheader": (
        "Preheader: the grey line an inbox shows after the subject; one line, "
        "mail programs show about 90 characters of it."
    ),
    "intro": "Introduction at the top of the mail, Markdown (**bold**, *italic*, [link](url)).",
    "title": "Title of the item's card in the mail: one line.",
    "summary": (
        "Summary of the item's card in the mail, Markdown (**bold**, *italic*, [link](url))."
    ),
    "image_alt": (
        "Description of the item's picture, read to blind readers instead of it: one line."
    ),
}


def text_hash(text: str) -> str:
    """What a recorded state remembers of a text."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Unit:
    """One translatable field: ``id`` (stable: ``content.subject``,
    ``items.<item id>.title``), ``source`` and ``target`` text, ``note`` (where it appears),
    ``max_length`` (characters, advice), ``one_line``."""

    id: str
    source: str
    target: str
    note: str = ""
    max_length: int | None = None
    one_line: bool = False


@dataclass(frozen=True)
class Bundle:
    """What one file carries: whose fields (``kind`` and ``key``: ``issue`` and its slug), the
    revision they were taken from, the languages and the units."""

    kind: str
    key: str
    revision: str
    source_language: str
    target_language: str
    units: tuple[Unit, ...]

    def unit(self, unit_id: str) -> Unit | None:
        return next((u for u in self.units if u.id == unit_id), None)


@dataclass(frozen=True)
class Recorded:
    """What was recorded when a target was written or reviewed."""

    state: Literal["draft", "reviewed"]
    source_hash: str
    target_hash: str
    by: str = ""


def unit_state(unit: Unit, recorded: Recorded | None) -> State:
    """``unit``'s state given what was recorded of it (``None``: nothing, a target written
    in the editor before states were kept counts as a draft)."""
    if not unit.target.strip():
        return "missing"
    if recorded is None:
        return "draft"
    if recorded.source_hash != text_hash(unit.source):
        return "stale"
    if recorded.state == "reviewed" and recorded.target_hash == text_hash(unit.target):
        return "reviewed"
    return "draft"


# ---- an issue's document as units ------------------------------------------------------------


def _tag(raw: object) -> str:
    try:
        return normalise_language(raw) if isinstance(raw, str) else ""
    except InvalidValue:
        return ""


def languages_of(document: Mapping[str, Any]) -> list[str]:
    """The issue's languages, normalised; the first is the source of every translation."""
    raw = document.get("languages")
    return [t for t in (_tag(r) for r in raw) if t] if isinstance(raw, list) else []


def _entry(content: object, language: str) -> Mapping[str, Any]:
    if not isinstance(content, Mapping):
        return {}
    for tag, entry in content.items():
        if _tag(tag) == language and isinstance(entry, Mapping):
            return entry
    return {}


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    return value if isinstance(value, str) else ""


def item_ref(item: Mapping[str, Any], index: int) -> str:
    """How a unit id names an item: its ``id``, or ``#3`` (1-based) when it has none."""
    name = item.get("id")
    return name if isinstance(name, str) and name.strip() else f"#{index + 1}"


def _fields(document: Mapping[str, Any]) -> Iterable[tuple[str, str, Mapping[str, Any], str]]:
    """(unit id, field name, where the texts live, where it appears) for every field."""
    for name in ("subject", "preheader", "intro"):
        yield f"content.{name}", name, document, "the issue"
    items = document.get("items")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, Mapping):
            continue
        ref = item_ref(item, index)
        names = ("title", "summary", "image_alt") if item.get("image") else ("title", "summary")
        for name in names:
            yield f"items.{ref}.{name}", name, item, f"item {index + 1} ({ref})"


def issue_units(document: Mapping[str, Any], language: str) -> tuple[str, list[Unit]]:
    """The issue's first language and its fields as units towards ``language``: every field
    whose source is written. ``InvalidValue`` when ``language`` is not one of the issue's
    languages other than the first."""
    languages = languages_of(document)
    target = _tag(language)
    if not languages:
        raise InvalidValue("languages", "the issue names no languages yet")
    if target not in languages[1:]:
        others = ", ".join(languages[1:]) or "none"
        raise InvalidValue(
            "language",
            f"{language!r} is not a target language of this issue "
            f"(source {languages[0]}; targets: {others})",
        )
    units = []
    for unit_id, name, holder, where in _fields(document):
        source = _text(_entry(holder.get("content"), languages[0]), name)
        if not source.strip():
            continue
        note = f"{NOTES[name]} In {where}."
        limit = MAX_LENGTH.get(name)
        if limit:
            note += f" At most {limit} characters."
        target_text = _text(_entry(holder.get("content"), target), name)
        units.append(Unit(unit_id, source, target_text, note, limit, name in ONE_LINE))
    return languages[0], units


@dataclass(frozen=True)
class Written:
    """A translation a save wrote or left standing: record it as a draft of ``source``."""

    language: str
    id: str
    source: str
    target: str


def written_by_save(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    recorded: Iterable[tuple[str, str]],
) -> list[Written]:
    """What a save from ``before`` to ``after`` means for the issue's translations: each
    target it wrote or changed is a draft of the current source; a target nobody recorded
    (``recorded``: (language, unit id)) whose source the save changes is a draft of the
    source it was written for, so it shows as stale from now on."""
    known = set(recorded)
    out: list[Written] = []
    for language in languages_of(after)[1:]:
        old = {u.id: u for u in (units_or_none(before, language) if before else [])}
        for unit in units_or_none(after, language):
            was = old.get(unit.id)
            if unit.target.strip() and (was is None or was.target != unit.target):
                out.append(Written(language, unit.id, unit.source, unit.target))
            elif (
                (language, unit.id) not in known
                and was is not None
                and was.target.strip()
                and was.source != unit.source
            ):
                out.append(Written(language, unit.id, was.source, was.target))
    return out


def units_or_none(document: Mapping[str, Any], language: str) -> list[Unit]:
    """``issue_units``' units, or none where it refuses the language."""
    try:
        return issue_units(document, language)[1]
    except InvalidValue:
        return []


def issue_bundle(slug: str, revision: int, document: Mapping[str, Any], language: str) -> Bundle:
    """The issue's units towards ``language`` as a bundle (``issue_units``' refusals)."""
    source, units = issue_units(document, language)
    return Bundle(ISSUE, slug, str(revision), source, _tag(language), tuple(units))


def with_targets(
    document: Mapping[str, Any], language: str, targets: Mapping[str, str]
) -> dict[str, Any]:
    """A copy of ``document`` with each unit id's text in ``language`` set to ``targets[id]``."""
    out = copy.deepcopy(dict(document))
    places = {unit_id: (name, holder) for unit_id, name, holder, _ in _fields(out)}
    for unit_id, text in targets.items():
        name, holder = places[unit_id]
        assert isinstance(holder, dict)
        content = holder.setdefault("content", {})
        key = next((t for t in content if _tag(t) == language), language)
        content.setdefault(key, {})[name] = text
    return out


# ---- checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A problem of an imported file: ``where`` (a unit id, or the file), what is wrong."""

    severity: Literal["error", "warning"]
    where: str
    message: str


@dataclass(frozen=True)
class TargetChange:
    """A target the import writes: ``needs_review`` when the source changed since export."""

    id: str
    before: str
    after: str
    source: str  # the source text the translator saw (what the recorded state remembers)
    needs_review: bool = False


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do: the changes, what is left as it is, and the findings. Any
    error refuses the whole file; nothing of it is stored."""

    changes: list[TargetChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def plan_import(current: Bundle, incoming: Bundle) -> ImportPlan:
    """Check ``incoming`` (a translator's file) against ``current`` (the same fields now) and
    say what importing it would change: unknown ids, a wrong language, lost markup or
    placeholders, a line break in a one-line field are errors; a source that changed since
    export makes the change ``needs_review``; a target over its length is a warning."""
    plan = ImportPlan()
    if (incoming.kind, incoming.key) != (current.kind, current.key):
        plan.findings.append(
            Finding(
                "error",
                "file",
                f"is for {incoming.kind} {incoming.key!r}, not {current.kind} {current.key!r}",
            )
        )
    for name, theirs, ours in (
        ("source language", incoming.source_language, current.source_language),
        ("target language", incoming.target_language, current.target_language),
    ):
        if _tag(theirs) != _tag(ours):
            plan.findings.append(
                Finding("error", "file", f"its {name} is {theirs!r}; this needs {ours!r}")
            )
    if plan.errors:
        return plan
    noun = NOUNS.get(current.kind, current.kind)
    for unit in incoming.units:
        _check_unit(plan, current.unit(unit.id), unit, noun)
    return plan


def _check_unit(plan: ImportPlan, now: Unit | None, unit: Unit, noun: str = "issue") -> None:
    if now is None:
        plan.findings.append(
            Finding(
                "error", unit.id, f"is not a field of this {noun} (unknown id); was it removed?"
            )
        )
        return
    target = unit.target
    if not target.strip():
        plan.untranslated.append(unit.id)
        return
    for problem in markup_lost(unit.source or now.source, target):
        plan.findings.append(Finding("error", unit.id, f"the translation {problem}"))
    for moved in links_changed(unit.source or now.source, target):
        plan.findings.append(Finding("warning", unit.id, f"a link points elsewhere: {moved}"))
    if now.one_line and ("\n" in target.strip() or "\r" in target.strip()):
        plan.findings.append(Finding("error", unit.id, "must be one line; it has a line break"))
    if now.max_length and len(target) > now.max_length:
        plan.findings.append(
            Finding(
                "warning",
                unit.id,
                f"is {len(target)} characters; inboxes show at most {now.max_length}",
            )
        )
    changed_source = bool(unit.source) and unit.source != now.source
    if changed_source:
        plan.findings.append(
            Finding(
                "warning",
                unit.id,
                "needs review: its source changed since the file was exported "
                "(stored, marked stale until someone reviews it)",
            )
        )
    if target == now.target and not changed_source:
        plan.unchanged.append(unit.id)
        return
    plan.changes.append(
        TargetChange(unit.id, now.target, target, unit.source or now.source, changed_source)
    )
