"""How a route reaches the ``App`` it serves: through its request.

Routers are built once, when their module is imported, and every ``create_app`` shares them
(building FastAPI routes is what made ``create_app`` slow), so no route may close over an
``App``. ``create_app`` puts the ``App`` and what each face keeps per ``App`` (the public and
staff sites with their rate limits, the webhook intake with its replay guard) on the FastAPI
application's ``state``; these dependencies read them back.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mailer.app import App


def the_app(request: Request) -> App:
    """The ``App`` this web application was created for."""
    found = request.app.state.mailer
    assert isinstance(found, App), "create_app sets state.mailer"
    return found


AppDep = Annotated[App, Depends(the_app)]
