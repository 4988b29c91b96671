"""Images of the issue editor (SQLite and PostgreSQL): checked by content, metadata stripped,
scaled to the template's width, stored once by their SHA-256, not deletable while a revision
names them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from mailer import issues
from mailer.app import App
from mailer.errors import Conflict, InvalidValue, NotFound
from mailer.issues import images
from tests.integration.issue_support import EDITOR, Clock, make_app, sample_document


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    made = make_app(db_url, tmp_path, Clock())
    yield made
    made.close()


def photo(kind: str = "JPEG", width: int = 1600, height: int = 900) -> bytes:
    picture = Image.new("RGB", (width, height), (30, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # the camera's make: metadata a photo should not carry out
    out = io.BytesIO()
    picture.save(out, kind, exif=exif.tobytes())
    return out.getvalue()


def test_an_upload_is_cleaned_scaled_and_served_by_its_hash(app: App) -> None:
    desk = app.issue_desk()
    raw = photo()
    assert b"SecretCam" in raw
    done = images.upload_image(desk, raw, by=EDITOR, now=app.clock(), base_url="https://m.test/")
    assert (done.width, done.height) == (images.IMAGE_WIDTH, 310)
    assert done.url == f"https://m.test/images/{done.name}"
    assert done.name.endswith(".jpg")
    assert done.new
    served = images.image_file(desk, done.name)
    assert served.content_type == "image/jpeg"
    assert b"SecretCam" not in served.data
    assert Image.open(io.BytesIO(served.data)).size == (552, 310)
    again = images.upload_image(desk, raw, by=EDITOR, now=app.clock(), base_url="https://m.test")
    assert (again.name, again.new) == (done.name, False)
    with pytest.raises(NotFound):
        images.image_file(desk, done.name.replace(".jpg", ".png"))
    with pytest.raises(NotFound):
        images.image_file(desk, "../../etc/passwd")


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        (b"GIF89a" + b"\x00" * 20, "is not a PNG, JPEG, WebP or GIF image"),
        (b"\xff" * (10 * 1024 * 1024), "is 10.0 MB; an image may be at most 5 MB"),
    ],
)
def test_other_files_are_refused_with_a_reason(app: App, raw: bytes, said: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        images.upload_image(
            app.issue_desk(),
            raw,
            by=EDITOR,
            now=app.clock(),
            base_url="https://m.test",
            field="x.svg",
        )
    assert said in str(refused.value)
    assert "x.svg" in str(refused.value)


def test_an_image_a_revision_names_cannot_be_deleted(app: App) -> None:
    desk = app.issue_desk()
    used = images.upload_image(
        desk, photo("PNG", 400, 300), by=EDITOR, now=app.clock(), base_url="https://m.test"
    )
    spare = images.upload_image(
        desk, photo("WEBP", 300, 300), by=EDITOR, now=app.clock(), base_url="https://m.test"
    )
    document = sample_document()
    document["items"][0]["image"] = used.url
    issues.create_issue(desk, "2027-01-digest", document, by=EDITOR, now=app.clock())
    with pytest.raises(Conflict) as refused:
        images.delete_image(desk, used.name, by=EDITOR)
    assert "used by 1 revision" in str(refused.value)
    images.delete_image(desk, spare.name, by=EDITOR)
    with pytest.raises(NotFound):
        images.image_file(desk, spare.name)
    assert images.image_file(desk, used.name).data
