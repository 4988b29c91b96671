"""The HTTP side of mailer: one FastAPI application (``app.py``, ``create_app``) with three faces
(``faces.py``), open/click tracking (``tracking.py``), ``/healthz`` and ``/metrics``.

- ``public/``: the subscriber's pages (subscribe, confirm, unsubscribe, preferences, archive);
- ``staff/``: the staff UI under ``/staff/``, behind a signed session and CSRF tokens;
- ``api/``: the REST API under ``/api/v1`` (bearer tokens with scopes) and the bounce
  webhooks under ``/webhooks/``.

How a route is written, in every face:

- **Thin.** A route parses its input, calls one use case, and renders the result; it reaches
  the ``App`` through a dependency (``context.AppDep``, a face's site), never by closing over
  one: routers are built once, at import, and shared by every app.
- **Errors are raised, not answered, by routes.** A route raises ``mailer.errors`` (or its
  face's own exceptions); its face's one exception handler answers them (``faces.py``).
- **Sync or async.** A route (or dependency) is a plain ``def`` unless it has to await: the
  request's body read by hand (a form, a webhook) or the relay. FastAPI runs a ``def`` in its
  thread pool, where it calls the use cases, the database and the templates directly. An
  ``async def`` runs on the event loop, so every call in it that waits on the database, a file
  or the network, or renders an issue, goes through ``asyncio.to_thread``; helpers stay
  synchronous, and an ``async def`` route calls them that way.
- **Bodies are capped before they are read** (``bodies.py``, and the API's token before that).
"""
