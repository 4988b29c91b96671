"""Files for translators: a ``Bundle`` of translation units as XLIFF 2.0 or PO, and back.

PO is written and read with polib (what Poedit and Weblate open). No maintained Python library
writes XLIFF 2.0 (translate-toolkit reads and writes only XLIFF 1.2: translate/translate#3369),
so XLIFF 2.0 is written with the standard library's ElementTree, core elements only, plus the
metadata module for which issue the file is of. Reading refuses a DOCTYPE, so no entity is
ever expanded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

import polib

from mailer.core.translation_units import Bundle, State, Unit
from mailer.errors import ImportFileError

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
FORMATS = ("xliff", "po")
SUFFIX = {"xliff": "xlf", "po": "po"}
MEDIA_TYPE = {"xliff": "application/xliff+xml", "po": "text/x-gettext-translation"}
_NMTOKEN = re.compile(r"[\w.:-]+")
_SEGMENT_STATE = {"missing": "initial", "draft": "translated", "stale": "translated"}
_HEADER = {"kind": "X-Mailer-Kind", "key": "X-Mailer-Key", "revision": "X-Mailer-Revision"}

ET.register_namespace("", XLIFF)
ET.register_namespace("mda", MDA)


def write_file(bundle: Bundle, form: str, states: Mapping[str, State] | None = None) -> str:
    """``bundle`` as ``form`` (``xliff`` or ``po``); ``states`` (by unit id) set each
    segment's state, and mark stale ones fuzzy in PO."""
    if form == "po":
        return write_po(bundle, states or {})
    return write_xliff(bundle, states or {})


def write_xliff(bundle: Bundle, states: Mapping[str, State]) -> str:
    """XLIFF 2.0: one ``<file>``, one ``<unit>`` per field with its note, the source and,
    when there is one, the target."""
    root = ET.Element(
        f"{{{XLIFF}}}xliff",
        {"version": "2.0", "srcLang": bundle.source_language, "trgLang": bundle.target_language},
    )
    file = ET.SubElement(
        root, f"{{{XLIFF}}}file", {"id": "f1", "original": f"{bundle.kind}/{bundle.key}"}
    )
    group = ET.SubElement(
        ET.SubElement(file, f"{{{MDA}}}metadata"), f"{{{MDA}}}metaGroup", {"category": "mailer"}
    )
    for name in _HEADER:
        ET.SubElement(group, f"{{{MDA}}}meta", {"type": name}).text = getattr(bundle, name)
    ET.SubElement(ET.SubElement(file, f"{{{XLIFF}}}notes"), f"{{{XLIFF}}}note").text = (
        f"mailer {bundle.kind} {bundle.key}, revision {bundle.revision}. Translate each target; "
        "keep links, **bold**, *italic* and {placeholders}."
    )
    for number, unit in enumerate(bundle.units, start=1):
        unit_id = unit.id if _NMTOKEN.fullmatch(unit.id) else f"u{number}"
        element = ET.SubElement(file, f"{{{XLIFF}}}unit", {"id": unit_id, "name": unit.id})
        if unit.note:
            notes = ET.SubElement(element, f"{{{XLIFF}}}notes")
            ET.SubElement(notes, f"{{{XLIFF}}}note", {"category": "location"}).text = unit.note
        state = states.get(unit.id, "draft" if unit.target else "missing")
        segment = ET.SubElement(
            element, f"{{{XLIFF}}}segment", {"state": _SEGMENT_STATE.get(state, state)}
        )
        ET.SubElement(segment, f"{{{XLIFF}}}source").text = unit.source
        if unit.target:
            ET.SubElement(segment, f"{{{XLIFF}}}target").text = unit.target
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def write_po(bundle: Bundle, states: Mapping[str, State]) -> str:
    """PO: one entry per field, its id as ``msgctxt``, its note as a comment for translators,
    the source as ``msgid``; a stale target is marked fuzzy."""
    po = polib.POFile(wrapwidth=0)
    po.header = (
        f"mailer {bundle.kind} {bundle.key}, revision {bundle.revision}: "
        f"{bundle.source_language} -> {bundle.target_language}.\n"
        "Translate each msgstr; keep links, **bold**, *italic* and {placeholders}; "
        "msgctxt names the field."
    )
    po.metadata = {
        "Project-Id-Version": f"mailer {bundle.kind} {bundle.key}",
        "Language": bundle.target_language,
        "X-Source-Language": bundle.source_language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        **{header: getattr(bundle, name) for name, header in _HEADER.items()},
    }
    for unit in bundle.units:
        flags = ["fuzzy"] if states.get(unit.id) == "stale" else []
        po.append(
            polib.POEntry(
                msgctxt=unit.id,
                msgid=unit.source,
                msgstr=unit.target,
                comment=unit.note,
                flags=flags,
            )
        )
    return str(po)


def read_file(data: bytes, name: str) -> Bundle:
    """A translator's file (XLIFF 2.0 or PO, told apart by its first character) as a bundle;
    ``ImportFileError`` naming ``name`` and what is wrong where (line, unit)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(name, f"is not UTF-8 text (byte {exc.start})") from exc
    if not text.strip():
        raise ImportFileError(name, "is empty")
    if text.lstrip().startswith("<"):
        return read_xliff(text, name)
    return read_po(text, name)


def _q(tag: str) -> str:
    return f"{{{XLIFF}}}{tag}"


def read_xliff(text: str, name: str) -> Bundle:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ImportFileError(name, "has a DOCTYPE; an XLIFF file needs none (refused, unread)")
    try:
        root = ET.fromstring(text)  # noqa: S314 (no DOCTYPE: nothing to expand)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ImportFileError(
            name, f"is not well-formed XML at line {line}, column {column}"
        ) from exc
    if root.tag != _q("xliff"):
        raise ImportFileError(name, f"is not XLIFF 2.0: its root element is {root.tag!r}")
    if root.get("version") != "2.0":
        raise ImportFileError(name, f"is XLIFF {root.get('version')}; export and import XLIFF 2.0")
    files = root.findall(_q("file"))
    if len(files) != 1:
        raise ImportFileError(name, f"has {len(files)} <file> elements; it needs exactly one")
    file = files[0]
    meta = {m.get("type", ""): m.text or "" for m in file.iter(f"{{{MDA}}}meta")}
    if not meta.get("kind") and "/" in file.get("original", ""):
        meta["kind"], _, meta["key"] = file.get("original", "").partition("/")
    units = []
    for number, unit in enumerate(file.iter(_q("unit")), start=1):
        unit_id = unit.get("name") or unit.get("id") or ""
        if not unit_id:
            raise ImportFileError(name, f"unit {number} has no id")
        source = "".join("".join(s.itertext()) for s in unit.iter(_q("source")))
        target = "".join("".join(t.itertext()) for t in unit.iter(_q("target")))
        units.append(Unit(unit_id, source, target))
    return _bundle(name, meta, root.get("srcLang", ""), root.get("trgLang", ""), units)


def read_po(text: str, name: str) -> Bundle:
    # polib reads a path when given one: only text with an entry in it reaches it
    if "\n" not in text or "msgid" not in text:
        raise ImportFileError(name, "is neither XLIFF 2.0 nor a PO file (no msgid in it)")
    try:
        po = polib.pofile(text)
    except (OSError, ValueError) as exc:
        raise ImportFileError(
            name, f"is not a readable PO file: {exc}".replace(" None ", " ")
        ) from exc
    meta = {name: po.metadata.get(header, "") for name, header in _HEADER.items()}
    units = []
    for number, entry in enumerate(po, start=1):
        if entry.obsolete:
            continue
        if not entry.msgctxt:
            raise ImportFileError(name, f"entry {number} ({entry.msgid[:40]!r}) has no msgctxt id")
        units.append(Unit(entry.msgctxt, entry.msgid, entry.msgstr))
    source = po.metadata.get("X-Source-Language", "")
    return _bundle(name, meta, source, po.metadata.get("Language", ""), units)


def _bundle(name: str, meta: dict[str, str], source: str, target: str, units: list[Unit]) -> Bundle:
    for needed, value in (("source language", source), ("target language", target)):
        if not value.strip():
            raise ImportFileError(name, f"does not say its {needed}")
    if not meta.get("kind") or not meta.get("key"):
        raise ImportFileError(name, "does not say which issue it is of (exported by mailer?)")
    seen: set[str] = set()
    for unit in units:
        if unit.id in seen:
            raise ImportFileError(name, f"has the id {unit.id!r} twice")
        seen.add(unit.id)
    return Bundle(
        meta["kind"],
        meta["key"],
        meta.get("revision", ""),
        source.strip(),
        target.strip(),
        tuple(units),
    )
