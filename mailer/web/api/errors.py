"""How the REST API answers a refusal: JSON ``{"error": …, "field": …}`` with the status chosen
here from the ``mailer.errors`` class; ``answer`` is the API's one exception handler
(``mailer/web/faces.py``).

422 bad input (with the field), 403 not allowed, 404 unknown thing, 409 state conflict,
413 body too large, 400 a body that cannot be read, 503 database down; a 500 means a bug.
The token is checked before the body is read (``TokenGate`` in web/api/auth.py), then the
body guard caps the body before it is parsed (``refused_body``).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from mailer.errors import (
    CampaignInvalid,
    ConfigError,
    Conflict,
    ImportFileError,
    InvalidRecord,
    InvalidValue,
    MailerError,
    NotAllowed,
    NotFound,
    SegmentSyntaxError,
    StorageError,
    TemplateError,
)

log = logging.getLogger(__name__)
JSON_MAX_BYTES = 1024 * 1024  # a JSON request body; imports and webhooks have their own caps


class Problem(BaseModel):
    field: str = Field(description="The field at fault, e.g. `country` or `row 3: email`.")
    error: str


class ErrorBody(BaseModel):
    """Every refusal of the API."""

    error: str = Field(description="What was wrong, for a person to read.")
    field: str | None = Field(None, description="The request field at fault, when one is.")
    column: int | None = Field(None, description="1-based column of a segment syntax error.")
    scope: str | None = Field(None, description="The scope a 403 needed.")
    problems: list[Problem] | None = Field(None, description="Every bad field, when several.")


class ApiError(Exception):
    """A refusal decided in the web layer (authentication, scope, size)."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(body.get("error", ""))
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


def error_json(status: int, error: str, **extra: Any) -> JSONResponse:
    body = {"error": error, **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(body, status_code=status)


def mailer_error(exc: MailerError) -> JSONResponse:
    """The status and body of a use case's error."""
    if isinstance(exc, NotFound):
        return error_json(404, str(exc))
    if isinstance(exc, NotAllowed):
        return error_json(403, str(exc))
    if isinstance(exc, Conflict):
        return error_json(409, str(exc))
    if isinstance(exc, SegmentSyntaxError):
        return error_json(422, str(exc), field="segment", column=exc.column)
    if isinstance(exc, InvalidRecord):
        problems = [{"field": p.field, "error": p.message} for p in exc.problems]
        first = exc.problems[0].field if exc.problems else None
        return error_json(422, str(exc), field=first, problems=problems)
    if isinstance(exc, InvalidValue):
        return error_json(422, str(exc), field=exc.field)
    if isinstance(exc, ImportFileError):
        return error_json(422, f"cannot import {exc}", field="file")
    if isinstance(exc, CampaignInvalid):
        problems = [{"field": exc.path, "error": str(p)} for p in exc.problems]
        return error_json(409, str(exc).splitlines()[0], problems=problems)
    if isinstance(exc, TemplateError):
        return error_json(409, f"the campaign cannot be rendered: {exc}")
    if isinstance(exc, StorageError | ConfigError):
        log.error("api: %s", exc)
        return error_json(503, "the service is unavailable for now; try again later")
    return error_json(400, str(exc))


def validation_error(exc: RequestValidationError) -> JSONResponse:
    """FastAPI's request validation as our error body: the first field named, all listed."""
    problems = []
    for item in exc.errors():
        where = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")]
        problems.append({"field": ".".join(where) or "body", "error": str(item.get("msg", ""))})
    if not problems:
        return error_json(422, "the request is not valid")
    first = problems[0]
    return error_json(
        422, f"{first['field']}: {first['error']}", field=first["field"], problems=problems
    )


def answer(request: Request, exc: Exception) -> Response:
    """The API's answer to what one of its routes raised."""
    if isinstance(exc, ApiError):
        return exc.response()
    if isinstance(exc, RequestValidationError):
        return validation_error(exc)
    if isinstance(exc, MailerError):
        return mailer_error(exc)
    if isinstance(exc, HTTPException):  # FastAPI's own, e.g. a body it cannot parse
        return error_json(exc.status_code, str(exc.detail))
    raise exc


ERRORS = (ApiError, RequestValidationError, MailerError, HTTPException)


def refused_body(status: int, max_bytes: int) -> Response:
    """A body refused by the body guard (mailer/web/bodies.py) before anything read it."""
    if status == 413:
        return error_json(413, f"the body is over the {max_bytes}-byte limit")
    if status == 415:
        return error_json(415, "multipart/form-data is not taken here")
    return error_json(400, "Content-Length is not a number")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of a route (OpenAPI ``responses``)."""
    meaning = {
        400: "The request cannot be read.",
        401: "No token, or an unknown or revoked one (`WWW-Authenticate: Bearer`).",
        403: "The token lacks the scope this route needs (named in `scope`).",
        404: "No such subscriber, list, campaign, issue or revision.",
        409: "The request conflicts with what is stored (e.g. pausing a sent campaign).",
        413: "The body is over the size limit.",
        422: "A field is not valid (named in `field`).",
        503: "The database is unavailable; try again.",
    }
    return {s: {"model": ErrorBody, "description": meaning[s]} for s in statuses}
