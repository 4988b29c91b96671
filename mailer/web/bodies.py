"""Request bodies are capped before anything reads them: one ASGI guard for the whole app.

Every request is matched against a short table of path rules (the first that fits; a rule
ending in ``/`` covers the paths under it). A rule caps the body and says whether
``multipart/form-data`` is accepted. The guard refuses, without pulling a byte of the body:

- a ``Content-Length`` over the cap (413), or one that is not a number (400);
- multipart to a form that takes no file (415): only then could a parser spool files to disk.

A body without ``Content-Length`` is counted as the app reads it; past the cap the read stops
(the app sees an error) and the answer is 413, whatever the app made of the error.
``refuse(request, status, max_bytes)`` draws the refusal, so each part of the site answers in
its own way (the API in JSON). The API's token is checked before this guard
(``web/api/auth.py``), so a stranger's upload is refused for its token, not its size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class BodyRule:
    max_bytes: int
    multipart: bool = False  # uploads, and the RFC 8058 one-click POST


class BodyTooLarge(Exception):
    """Raised into the app's read once the body passes its cap."""


Refuse = Callable[[Request, int, int], Response]  # (request, status, the cap it broke)


class BodyGuard:
    """ASGI middleware applying ``rules`` (path, rule or None = not guarded here)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        rules: Sequence[tuple[str, BodyRule | None]],
        default: BodyRule,
        refuse: Refuse,
    ) -> None:
        self.app = app
        self.rules = rules
        self.default = default
        self.refuse = refuse

    def rule_for(self, path: str) -> BodyRule | None:
        for prefix, rule in self.rules:
            if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
                return rule
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = self.rule_for(scope["path"]) if scope["type"] == "http" else None
        if rule is None:
            await self.app(scope, receive, send)
            return
        status = _refusal(Headers(scope=scope), rule)
        if status:
            await self.refuse(Request(scope), status, rule.max_bytes)(scope, receive, send)
            return
        await self._counted(scope, receive, send, rule.max_bytes)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        read = 0
        over = started = False

        async def counted_receive() -> Message:
            nonlocal read, over
            if over:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > cap:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # whatever the app answers to the aborted read, the answer is 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not over:
                raise
        if over and not started:
            await self.refuse(Request(scope), 413, cap)(scope, receive, send)


def _refusal(headers: Headers, rule: BodyRule) -> int:
    """The status refusing this request on its headers alone, or 0."""
    length = headers.get("content-length")
    if length is not None:
        if not (length.isascii() and length.isdigit()):
            return 400
        if int(length) > rule.max_bytes:
            return 413
    has_body = (length is not None and int(length) > 0) or "transfer-encoding" in headers
    kind = headers.get("content-type", "").partition(";")[0].strip().lower()
    if has_body and kind == MULTIPART and not rule.multipart:
        return 415
    return 0
