"""Reading a posted form with a size cap: urlencoded or multipart (no files), nothing else.

The body is read a chunk at a time and refused (``FormTooLarge``, 413) as soon as it passes
the cap, whatever ``Content-Length`` claims. Repeated fields (``lists``, ``interests``) keep
every value; unknown fields are kept too and simply never read.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from urllib.parse import parse_qsl

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from mailer.core.text import ascii_int

MAX_FIELDS = 200


class FormTooLarge(Exception):
    """The body is over the cap, or has too many fields."""


class FormUnreadable(Exception):
    """The body is not a form this site reads (a file upload, broken multipart)."""


class Form:
    """Posted fields: the first value of a field, or all of a repeated one."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items

    def get(self, name: str) -> str:
        return next((value for key, value in self.items if key == name), "")

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self.items if key == name]


async def _body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    length = ascii_int(declared.strip()) if declared is not None else 0
    if length is None:  # '²' passes str.isdigit; int() then fails
        raise FormUnreadable
    if length > max_bytes:
        raise FormTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise FormTooLarge
    return bytes(body)


async def read_form(request: Request, max_bytes: int) -> Form:
    """The posted form; ``FormTooLarge`` or ``FormUnreadable`` when it cannot be read."""
    body = await _body(request, max_bytes)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        return await _multipart(request, body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise FormUnreadable from None
    try:
        return Form(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS))
    except ValueError:
        raise FormTooLarge from None


async def _multipart(request: Request, body: bytes) -> Form:
    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    parser = MultiPartParser(request.headers, stream(), max_files=0, max_fields=MAX_FIELDS)
    try:
        parsed = await parser.parse()
    except MultiPartException:
        raise FormUnreadable from None
    items = []
    for key, value in parsed.multi_items():
        if isinstance(value, UploadFile):
            raise FormUnreadable
        items.append((key, value))
    return Form(items)
