"""The public part of the web app (see mailer/web/app.py)."""

from __future__ import annotations

from fastapi import APIRouter

from mailer.app import App


def router(app: App) -> APIRouter:
    """Routes of this part, bound to app."""
    return APIRouter()
