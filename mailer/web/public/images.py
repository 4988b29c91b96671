"""``/images/<sha256>.<extension>``: images staff uploaded in the issue editor, as mail shows
them. The name is the SHA-256 of the bytes, so a URL never changes what it shows: cached for a
year, ``immutable``. An unknown name is a 404."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mailer.errors import NotFound
from mailer.issues.images import image_file
from mailer.web.public.site import PublicSiteDep

YEAR = 365 * 24 * 3600
router = APIRouter()


@router.get("/images/{name}")
def image(name: str, request: Request, site: PublicSiteDep) -> Response:
    try:
        found = image_file(site.app.issue_desk(), name)
    except NotFound:
        return Response("no such image\n", status_code=404, media_type="text/plain")
    etag = f'"{found.sha256}"'
    headers = {
        "Cache-Control": f"public, max-age={YEAR}, immutable",
        "ETag": etag,
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(found.data, media_type=found.content_type, headers=headers)
