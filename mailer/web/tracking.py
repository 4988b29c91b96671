"""Open and click tracking routes (off unless a campaign turns ``tracking`` on)."""

from __future__ import annotations

from fastapi import APIRouter

from mailer.app import App


def router(app: App) -> APIRouter:
    return APIRouter()
