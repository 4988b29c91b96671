"""Images for mail, made safe with Pillow: the upload is read by its content (never its name or
its declared type), must be PNG, JPEG, WebP or GIF, is turned upright, scaled down to the
width it is shown at, and re-encoded, so its metadata (EXIF: camera, place, time) is gone.
Pillow's errors become ``InvalidValue`` here."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from mailer.errors import InvalidValue

FORMATS = {  # Pillow's name → (extension, content type)
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
ALLOWED = "a PNG, JPEG, WebP or GIF image"


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    sha256: str
    extension: str
    content_type: str
    width: int
    height: int


def _refuse(field: str, why: str) -> InvalidValue:
    return InvalidValue(field, why)


def clean_image(raw: bytes, *, field: str, max_bytes: int, max_width: int) -> CleanImage:
    """``raw`` as a safe image at most ``max_width`` wide; ``InvalidValue`` naming ``field``
    when it is too large, not an image, or an image of another kind (SVG among them)."""
    if len(raw) > max_bytes:
        raise _refuse(
            field,
            f"is {len(raw) / 1024 / 1024:.1f} MB; an image may be at most "
            f"{max_bytes / 1024 / 1024:.0f} MB",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(raw), formats=list(FORMATS))
            kind = opened.format or ""
            if opened.width * opened.height > MAX_PIXELS:
                raise _refuse(field, f"is {opened.width}×{opened.height} pixels; too large")
            data, size = _encoded(opened, kind, max_width)
    except InvalidValue:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(field, f"is not {ALLOWED} (SVG and other kinds are refused)") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise _refuse(field, f"could not be read as {ALLOWED}: {exc}") from None
    extension, content_type = FORMATS[kind]
    return CleanImage(
        data, hashlib.sha256(data).hexdigest(), extension, content_type, size[0], size[1]
    )


def _scaled(frame: Image.Image, max_width: int) -> Image.Image:
    if frame.width <= max_width:
        return frame
    height = max(1, round(frame.height * max_width / frame.width))
    return frame.resize((max_width, height), Image.Resampling.LANCZOS)


def _encoded(opened: Image.Image, kind: str, max_width: int) -> tuple[bytes, tuple[int, int]]:
    out = io.BytesIO()
    if kind == "GIF" and getattr(opened, "n_frames", 1) > 1:
        frames = [_scaled(frame.copy(), max_width) for frame in ImageSequence.Iterator(opened)]
        frames[0].save(
            out,
            "GIF",
            save_all=True,
            append_images=frames[1:],
            loop=opened.info.get("loop", 0),
            duration=opened.info.get("duration", 100),
        )
        return out.getvalue(), frames[0].size
    upright = ImageOps.exif_transpose(opened)
    picture = _scaled(upright, max_width)
    if kind == "JPEG":
        picture.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif kind == "WEBP":
        picture.save(out, "WEBP", quality=85)
    else:
        picture.save(out, kind, optimize=True)  # no exif= or pnginfo=: metadata is left out
    return out.getvalue(), picture.size
