"""Bearer tokens with scopes: ``Authorization: Bearer mlr_…`` on every ``/api/v1`` route.

No token, an unknown or a revoked one: 401 with ``WWW-Authenticate: Bearer``. A token
without the route's scope: 403 naming the scope. Tokens are made with ``mailer tokens add``.
A route says which scope it needs with ``needs(scope)``; ``TokenGate``, in front of the app,
checks it before anything reads the request body, so a stranger's upload is refused unread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from mailer.access.api_tokens import SCOPES, ApiToken, authenticate
from mailer.app import App
from mailer.web.api.errors import ApiError
from mailer.web.context import the_app

PREFIX = "/api/v1"  # every route under it needs a token, but the reference page and its document

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from `mailer tokens add NAME --scope …`; each route names the "
    f"scope it needs ({', '.join(SCOPES)}).",
)

BEARER = Security(bearer)


def _unauthorized(message: str, error: str | None = None) -> ApiError:
    challenge = 'Bearer realm="mailer"' + (f', error="{error}"' if error else "")
    return ApiError(401, {"error": message}, {"WWW-Authenticate": challenge})


def _token(app: App, credentials: HTTPAuthorizationCredentials | None) -> ApiToken:
    if credentials is None:
        raise _unauthorized("an API token is needed: send Authorization: Bearer <token>")
    found = authenticate(app.database, credentials.credentials, now=app.clock())
    if found is None:
        raise _unauthorized("the API token is unknown or revoked", "invalid_token")
    return found


def needs(scope: str) -> Any:
    """``Depends`` on a token holding ``scope`` (``TokenGate`` checked it already)."""
    assert scope in SCOPES, scope

    def check(
        request: Request, credentials: HTTPAuthorizationCredentials | None = BEARER
    ) -> ApiToken:
        checked = getattr(request.state, "api_token", None)  # by the gate
        token = checked if isinstance(checked, ApiToken) else _token(the_app(request), credentials)
        require(token, scope)
        return token

    check.scope = scope  # type: ignore[attr-defined]  # read by the gate
    return Depends(check)


def scope_needed(route: BaseRoute) -> str | None:
    """The scope a route ``needs``, if any."""
    dependant = getattr(route, "dependant", None)
    found = (getattr(d.call, "scope", None) for d in getattr(dependant, "dependencies", ()))
    return next((scope for scope in found if isinstance(scope, str)), None)


class TokenGate:
    """ASGI middleware: a request for one of ``routes`` that ``needs`` a scope is answered 401
    or 403 unless its token holds that scope, before the app reads a byte of its body. The
    token found is left in ``request.state.api_token`` for the route's dependency."""

    def __init__(self, app: ASGIApp, *, mailer: App, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.mailer = mailer
        self.scoped = [(route, scope) for route in routes if (scope := scope_needed(route))]

    def scope_for(self, scope: Scope) -> str | None:
        """The scope the route this request is for needs (None: not an API route, or open)."""
        if scope["type"] != "http" or not scope["path"].startswith(f"{PREFIX}/"):
            return None
        return next((s for route, s in self.scoped if route.matches(scope)[0] == Match.FULL), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        needed = self.scope_for(scope)
        if needed is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        credentials = await bearer(request)
        try:
            token = await asyncio.to_thread(_token, self.mailer, credentials)
            require(token, needed)
        except ApiError as refused:
            await refused.response()(scope, receive, send)
            return
        request.state.api_token = token
        await self.app(scope, receive, send)


def require(token: ApiToken, scope: str, needed_for: str = "") -> None:
    """403 naming ``scope`` unless ``token`` holds it (``needed_for`` says for what)."""
    assert scope in SCOPES, scope
    if scope not in token.scopes:
        message = f"the API token {token.name!r} lacks the scope {scope}"
        raise ApiError(
            403, {"error": message + (f" ({needed_for})" if needed_for else ""), "scope": scope}
        )
