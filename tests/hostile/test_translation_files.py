"""Hostile translators' files: entity bombs and external entities, a "PO file" that names a
path on the server, markup nested thousands deep. Each is refused (or read) at once, naming
the file, and nothing outside the upload is ever read."""

from __future__ import annotations

import time

import pytest

from mailer.errors import ImportFileError
from mailer.render.translation_files import read_file

XLIFF = (
    b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" '
    b'trgLang="ka"><file id="f1" original="issue/x"><unit id="content.subject"><segment>'
)
LAUGHS = (
    b'<!DOCTYPE x [<!ENTITY a "ha">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (f"a{n + 1}".encode(), (b"&a%d;" % n if n else b"&a;") * 10)
        for n in range(9)
    )
    + b"]>"
)


@pytest.mark.parametrize(
    "data",
    [
        LAUGHS + XLIFF + b"<source>&a9;</source></segment></unit></file></xliff>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + XLIFF
        + b"<source>&e;</source></segment></unit></file></xliff>",
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_entities_are_never_expanded(data: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="bomb.xlf: has a DOCTYPE"):
        read_file(data, "bomb.xlf")
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("path", [b"/etc/passwd", b"/etc/hostname\n", b"../../mailer.toml"])
def test_a_po_file_that_is_a_path_is_not_read_as_one(path: bytes) -> None:
    with pytest.raises(ImportFileError, match="neither XLIFF 2.0 nor a PO file"):
        read_file(path, "ka.po")


def test_markup_nested_two_hundred_thousand_deep_is_read_as_text() -> None:
    deep = b"<a>" * 200_000 + b"x" + b"</a>" * 200_000
    bundle_data = XLIFF + b"<source>" + deep + b"</source></segment></unit></file></xliff>"
    bundle = read_file(bundle_data, "deep.xlf")
    assert [(u.id, u.source) for u in bundle.units] == [("content.subject", "x")]
