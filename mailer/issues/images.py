"""Images for issues: uploaded in the editor, stored in the database (so every host serves
them), served at ``<web.base_url>/images/<sha256>.<extension>``. The name is the SHA-256 of
the stored bytes, so a URL always shows the same picture and may be cached for a long time.
An image that any revision of any issue names cannot be deleted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from mailer.core.issue_workflow import Actor, require
from mailer.db import images as stored
from mailer.errors import Conflict, NotFound
from mailer.issues.desk import Desk
from mailer.render.images import clean_image

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# the width the newsletter template shows an item's image at (templates/newsletter.mjml.j2)
IMAGE_WIDTH = 552
NAME = re.compile(r"([0-9a-f]{64})\.(png|jpg|webp|gif)")


@dataclass(frozen=True)
class Uploaded:
    url: str
    name: str
    width: int
    height: int
    size: int
    new: bool  # False: the same picture was uploaded before


@dataclass(frozen=True)
class ImageFile:
    data: bytes
    content_type: str
    sha256: str


def image_url(base_url: str, name: str) -> str:
    return f"{base_url.rstrip('/')}/images/{name}"


def upload_image(
    desk: Desk, raw: bytes, *, by: Actor, now: datetime, base_url: str, field: str = "image"
) -> Uploaded:
    """Check ``raw`` by its content (PNG, JPEG, WebP or GIF, at most 5 MB), strip its
    metadata, scale it to the template's width and store it; ``InvalidValue`` naming
    ``field`` says why one is refused."""
    require(by, "edit")
    clean = clean_image(raw, field=field, max_bytes=MAX_UPLOAD_BYTES, max_width=IMAGE_WIDTH)
    found = stored.StoredImage(
        clean.sha256,
        clean.extension,
        clean.content_type,
        clean.width,
        clean.height,
        len(clean.data),
        clean.data,
    )
    with desk.database.write() as conn:
        new = stored.insert(conn, found, uploaded_by=by.email, now=now)
    name = f"{clean.sha256}.{clean.extension}"
    return Uploaded(
        image_url(base_url, name), name, clean.width, clean.height, len(clean.data), new
    )


def image_file(desk: Desk, name: str) -> ImageFile:
    """The stored bytes of ``<sha256>.<extension>``; ``NotFound`` for any other name."""
    match = NAME.fullmatch(name)
    if match is None:
        raise NotFound("image", name)
    with desk.database.read() as conn:
        found = stored.find(conn, match.group(1))
    if found is None or found.extension != match.group(2):
        raise NotFound("image", name)
    return ImageFile(found.data, found.content_type, found.sha256)


def delete_image(desk: Desk, name: str, *, by: Actor) -> None:
    """Delete an image no revision names; ``Conflict`` saying how many do, else."""
    require(by, "edit")
    match = NAME.fullmatch(name)
    if match is None:
        raise NotFound("image", name)
    with desk.database.write() as conn:
        uses = stored.used_by(conn, name)
        if uses:
            raise Conflict(
                f"image {name} is used by {uses} revision(s) of issues; it cannot be deleted "
                "(a sent or restorable issue would lose its picture)"
            )
        if not stored.delete(conn, match.group(1)):
            raise NotFound("image", name)
