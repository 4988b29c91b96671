"""What the translation round-trip browser tests share: an exported XLIFF file with one unit's
target filled in, and uploading a file on a translations page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from playwright.sync_api import Page

X = "{urn:oasis:names:tc:xliff:document:2.0}"


def filled(path: Path, unit_name: str, target: str, **root: str) -> bytes:
    """The XLIFF 2.0 file at ``path`` with ``target`` as the text of unit ``unit_name``
    (replacing one it has), and ``root`` set on its root element (``trgLang="de"``)."""
    tree = ET.parse(path).getroot()
    tree.attrib.update(root)
    unit = next(u for u in tree.iter(f"{X}unit") if u.get("name") == unit_name)
    segment = unit.find(f"{X}segment")
    assert segment is not None
    element = segment.find(f"{X}target")
    if element is None:
        element = ET.SubElement(segment, f"{X}target")
    element.text = target
    return ET.tostring(tree, encoding="utf-8", xml_declaration=True)


def upload(page: Page, name: str, data: bytes, button: str = "#import-file") -> None:
    page.set_input_files(
        "#translation-file",
        files=[{"name": name, "mimeType": "application/xliff+xml", "buffer": data}],
    )
    page.locator(button).click()
