"""Bearer tokens with scopes: ``Authorization: Bearer mlr_…`` on every ``/api/v1`` route.

No token, an unknown or a revoked one: 401 with ``WWW-Authenticate: Bearer``. A token
without the route's scope: 403 naming the scope. Tokens are made with ``mailer tokens add``.
The check runs before the request body is read (``before_body``, called by the API's route
class), so a stranger's upload is refused unread.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mailer.access.api_tokens import SCOPES, ApiToken, authenticate
from mailer.app import App
from mailer.web.api.errors import ApiError
from mailer.web.context import the_app

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
    """``Depends`` on a token holding ``scope``."""
    assert scope in SCOPES, scope

    def check(
        request: Request, credentials: HTTPAuthorizationCredentials | None = BEARER
    ) -> ApiToken:
        checked = getattr(request.state, "api_token", None)  # by before_body
        token = checked if isinstance(checked, ApiToken) else _token(the_app(request), credentials)
        require(token, scope)
        return token

    async def before_body(request: Request) -> None:
        credentials = await bearer(request)
        request.state.api_token = await asyncio.to_thread(check, request, credentials)

    check.before_body = before_body  # type: ignore[attr-defined]
    return Depends(check)


def require(token: ApiToken, scope: str, needed_for: str = "") -> None:
    """403 naming ``scope`` unless ``token`` holds it (``needed_for`` says for what)."""
    assert scope in SCOPES, scope
    if scope not in token.scopes:
        message = f"the API token {token.name!r} lacks the scope {scope}"
        raise ApiError(
            403, {"error": message + (f" ({needed_for})" if needed_for else ""), "scope": scope}
        )
