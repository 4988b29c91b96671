"""``/test-copy/<link>``: where the personal links of a test copy lead (unsubscribe,
preferences, view online). A test copy goes to staff before the issue is sent; its links name
nobody, so instead of the invalid-link page (404) they open a page saying this is a test copy
and nothing changed. POST (a mail client's one-click unsubscribe) gets the same page, 200."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mailer.web.public.forms import read_form
from mailer.web.public.site import PublicSiteDep

LINKS = ("unsubscribe", "preferences", "archive")
router = APIRouter(include_in_schema=False)


@router.get("/test-copy/{link}")
def test_copy_page(request: Request, link: str, site: PublicSiteDep) -> Response:
    if link not in LINKS:
        return site.invalid_link(request)
    return site.notice(request, "test_copy")


@router.post("/test-copy/{link}")
async def test_copy_post(request: Request, link: str, site: PublicSiteDep) -> Response:
    await read_form(request, site.app.settings.web.max_form_bytes)
    if link not in LINKS:
        return site.invalid_link(request)
    return site.notice(request, "test_copy")
