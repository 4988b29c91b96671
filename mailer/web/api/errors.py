"""How the REST API answers a refusal: JSON ``{"error": …, "field": …}`` with the status chosen
here from the ``mailer.errors`` class, and the ``APIRoute`` that turns every error into it.

422 bad input (with the field), 404 unknown thing, 409 state conflict, 413 body too large,
503 database down; a 500 means a bug. The route checks the token (a dependency's
``before_body``, see web/api/auth.py) before it reads the body, then caps the body before
parsing it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from mailer.app import App
from mailer.core.text import ascii_int
from mailer.errors import (
    CampaignInvalid,
    ConfigError,
    Conflict,
    ImportFileError,
    InvalidRecord,
    InvalidValue,
    MailerError,
    NotFound,
    SegmentSyntaxError,
    StorageError,
    TemplateError,
)
from mailer.web.context import the_app

log = logging.getLogger(__name__)
JSON_MAX_BYTES = 1024 * 1024  # a JSON request body; imports have their own cap


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


async def read_capped(request: Request, max_bytes: int) -> bytes:
    """The whole body, refused with 413 as soon as it is over ``max_bytes`` (before parsing)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        length = ascii_int(declared.strip())
        if length is None:
            raise ApiError(400, {"error": "Content-Length is not a number"})
        if length > max_bytes:
            raise ApiError(413, {"error": f"the body is over the {max_bytes}-byte limit"})
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise ApiError(413, {"error": f"the body is over the {max_bytes}-byte limit"})
    request._body = bytes(body)  # what FastAPI then parses (Request.body/stream/form use it)
    return request._body


def _json_cap(app: App) -> int:
    return JSON_MAX_BYTES


def api_route(max_body: Callable[[App], int] = _json_cap) -> type[APIRoute]:
    """An ``APIRoute`` answering every refusal as ``ErrorBody``, checking the token before the
    body is read, and capping the body (at ``max_body`` of the request's ``App``)."""

    class ApiRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()
            found = (getattr(d.call, "before_body", None) for d in self.dependant.dependencies)
            checks = [check for check in found if check is not None]

            async def answer(request: Request) -> Response:
                try:
                    for check in checks:
                        await check(request)
                    await read_capped(request, max_body(the_app(request)))
                    return await handler(request)
                except ApiError as exc:
                    return exc.response()
                except RequestValidationError as exc:
                    return validation_error(exc)
                except MailerError as exc:
                    return mailer_error(exc)
                except HTTPException as exc:  # FastAPI's own, e.g. a body it cannot parse
                    return error_json(exc.status_code, str(exc.detail))

            return answer

    return ApiRoute


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of a route (OpenAPI ``responses``)."""
    meaning = {
        400: "The request cannot be read.",
        401: "No token, or an unknown or revoked one (`WWW-Authenticate: Bearer`).",
        403: "The token lacks the scope this route needs (named in `scope`).",
        404: "No such subscriber, list or campaign.",
        409: "The request conflicts with what is stored (e.g. pausing a sent campaign).",
        413: "The body is over the size limit.",
        422: "A field is not valid (named in `field`).",
        503: "The database is unavailable; try again.",
    }
    return {s: {"model": ErrorBody, "description": meaning[s]} for s in statuses}
