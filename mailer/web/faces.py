"""The faces of the web app (the public pages, the staff pages, the API) and how each answers.

A face owns the routes of its routers. For a request that reached one of them, the face adds
its security headers to whatever the route answered, and its one exception handler turns what
the route raised into the face's own answer: a page in the visitor's language, the staff
error page or the login, JSON ``{"error": …}``. What a face does not answer is answered as
FastAPI would (422 and HTTP errors) or is a 500 (a bug). Requests that reach no face's route
(tracking, ``/healthz``, ``/metrics``, an unknown path) are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Face:
    name: str
    routes: tuple[BaseRoute, ...]  # the routes it owns: its routers' own, built once
    headers: Mapping[str, str]  # added to each of its responses that lacks them
    errors: tuple[type[Exception], ...]  # what its handler answers
    answer: Callable[[Request, Exception], Response]  # its one exception handler

    @cached_property
    def _route_ids(self) -> frozenset[int]:
        return frozenset(id(route) for route in self.routes)

    def owns(self, route: object) -> bool:
        return id(route) in self._route_ids


def face_of(scope: Scope, faces: Sequence[Face]) -> Face | None:
    """The face whose route this request reached (routing sets ``scope["route"]``)."""
    route = scope.get("route")
    return next((face for face in faces if face.owns(route)), None) if route else None


def install(web: FastAPI, faces: Sequence[Face]) -> None:
    """Each face's exception handler and security headers on ``web``."""

    async def answer(request: Request, exc: Exception) -> Response:
        face = face_of(request.scope, faces)
        if face is not None and isinstance(exc, face.errors):
            return face.answer(request, exc)
        if isinstance(exc, RequestValidationError):
            return await request_validation_exception_handler(request, exc)
        if isinstance(exc, HTTPException):
            return await http_exception_handler(request, exc)
        raise exc  # not this face's to answer: a 500, as without the handler

    for error in {error for face in faces for error in face.errors}:
        web.add_exception_handler(error, answer)
    web.add_middleware(FaceHeaders, faces=faces)


class FaceHeaders:
    """ASGI middleware: the security headers of the face whose route answered."""

    def __init__(self, app: ASGIApp, *, faces: Sequence[Face]) -> None:
        self.app = app
        self.faces = faces

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                face = face_of(scope, self.faces)
                if face is not None:
                    headers = MutableHeaders(scope=message)
                    for name, value in face.headers.items():
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
