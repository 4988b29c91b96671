"""Adapter to SQLAlchemy: the only package that imports it. Query functions never commit."""

from __future__ import annotations

from mailer.db.engine import Connection, Database

__all__ = ["Connection", "Database"]
