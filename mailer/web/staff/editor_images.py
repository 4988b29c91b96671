"""Image uploads of the issue editor: ``POST /staff/issues/images`` (multipart, field
``image``; JSON: the image's public URL, or why it was refused) and
``POST /staff/issues/images/<name>/delete`` (refused while any revision names it)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from mailer.errors import Conflict, InvalidValue, NotAllowed, NotFound
from mailer.issues import images
from mailer.web.staff.editor import strings_for
from mailer.web.staff.session import PostedForm
from mailer.web.staff.site import PREFIX, SiteDep, sentence

IMAGE_UPLOADS = f"{PREFIX}/issues/images"
router = APIRouter()


@router.post(IMAGE_UPLOADS)
def upload(request: Request, posted: PostedForm, *, site: SiteDep) -> Response:
    sent = posted.form.get("image")
    if not isinstance(sent, UploadFile):
        _, words = strings_for(request)
        return JSONResponse({"error": words["upload"] + ": no file"}, status_code=400)
    raw = sent.file.read(images.MAX_UPLOAD_BYTES * 3)  # the body guard caps it before
    name = sent.filename or "image"
    try:
        done = images.upload_image(
            site.app.issue_desk(),
            raw,
            by=posted.session.account.actor,
            now=site.app.clock(),
            base_url=site.app.settings.web.base_url,
            field=name,
        )
    except InvalidValue as exc:
        return JSONResponse({"error": sentence(exc)}, status_code=400)
    except NotAllowed as exc:
        return JSONResponse({"error": sentence(exc)}, status_code=403)
    return JSONResponse(
        {"url": done.url, "name": done.name, "width": done.width, "height": done.height},
        status_code=201 if done.new else 200,
    )


@router.post(f"{IMAGE_UPLOADS}/{{name}}/delete")
def delete(name: str, posted: PostedForm, *, site: SiteDep) -> Response:
    try:
        images.delete_image(site.app.issue_desk(), name, by=posted.session.account.actor)
    except NotFound as exc:
        return JSONResponse({"error": sentence(exc)}, status_code=404)
    except NotAllowed as exc:
        return JSONResponse({"error": sentence(exc)}, status_code=403)
    except Conflict as exc:
        return JSONResponse({"error": sentence(exc)}, status_code=409)
    return JSONResponse({"deleted": name})
