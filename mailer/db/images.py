"""Images uploaded in the issue editor (table ``image``), named by the SHA-256 of their bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mailer.db.schema import image, issue_revision


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    extension: str
    content_type: str
    width: int
    height: int
    size: int
    data: bytes


def insert(conn: sa.Connection, found: StoredImage, *, uploaded_by: str, now: datetime) -> bool:
    """Writes ``image`` unless these bytes are stored already (the same name); True when new.
    Locks the row it inserts."""
    if conn.execute(sa.select(image.c.sha256).where(image.c.sha256 == found.sha256)).first():
        return False
    conn.execute(
        image.insert().values(
            sha256=found.sha256,
            extension=found.extension,
            content_type=found.content_type,
            width=found.width,
            height=found.height,
            size=found.size,
            data=found.data,
            uploaded_by=uploaded_by,
            created_at=now,
        )
    )
    return True


def find(conn: sa.Connection, sha256: str) -> StoredImage | None:
    """Reads one image, bytes and all; locks nothing."""
    row = conn.execute(
        sa.select(
            image.c.sha256,
            image.c.extension,
            image.c.content_type,
            image.c.width,
            image.c.height,
            image.c.size,
            image.c.data,
        ).where(image.c.sha256 == sha256)
    ).first()
    if row is None:
        return None
    return StoredImage(
        row.sha256, row.extension, row.content_type, row.width, row.height, row.size, row.data
    )


def used_by(conn: sa.Connection, name: str) -> int:
    """Reads ``issue_revision``: how many revisions (of any issue, history included) name the
    file ``name`` (``<sha256>.<extension>``); locks nothing."""
    query = (
        sa.select(sa.func.count())
        .select_from(issue_revision)
        .where(issue_revision.c.source.contains(f"/images/{name}", autoescape=True))
    )
    return int(conn.execute(query).scalar_one())


def delete(conn: sa.Connection, sha256: str) -> bool:
    """Deletes one image; True when there was one. Locks its row."""
    return bool(conn.execute(image.delete().where(image.c.sha256 == sha256)).rowcount)
