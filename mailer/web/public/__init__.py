"""The public part of the web app (see mailer/web/app.py and docs/web-public.md).

``/subscribe`` and ``/confirm/<token>`` (double opt-in), ``/u/<token>`` (unsubscribe, RFC 8058
one-click), ``/preferences/<token>`` (profile, lists, pause, export, erase), ``/archive`` and
``/events/<slug>/<item>.ics`` (an event's calendar file).
"""

from __future__ import annotations

from fastapi import APIRouter

from mailer.web.faces import Face
from mailer.web.public import (
    archive,
    events,
    images,
    preferences,
    signup,
    test_copy,
    unsubscribe,
)
from mailer.web.public.site import ERRORS, HEADERS, answer

PARTS = (signup, unsubscribe, preferences, archive, test_copy, images, events)
router = APIRouter()  # built once, shared by every app
for _part in PARTS:
    router.include_router(_part.router)

FACE = Face(
    name="public pages",
    routes=tuple(route for part in PARTS for route in part.router.routes),
    headers=HEADERS,
    errors=ERRORS,
    answer=answer,
)
