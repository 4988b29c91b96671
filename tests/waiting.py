"""Waiting for the event a test means (a row, a log line, a message), never for a fixed time.

``PATIENCE`` is only a safety net for a test that would otherwise hang: it is generous enough
that a machine busy with other work never reaches it, and a test never relies on it passing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

PATIENCE = 120.0  # seconds
EVERY = 0.05  # seconds between looks


def wait_for(
    what: str,
    check: Callable[[], object],
    *,
    seconds: float = PATIENCE,
    retry_on: tuple[type[BaseException], ...] = (),
) -> None:
    """Calls ``check`` until it returns something true; fails naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except retry_on:
            pass
        time.sleep(EVERY)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


async def wait_until(
    what: str,
    check: Callable[[], object],
    *,
    seconds: float = PATIENCE,
    retry_on: tuple[type[BaseException], ...] = (),
) -> None:
    """``wait_for`` inside an event loop: ``check`` runs in a thread (it may query a database)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if await asyncio.to_thread(check):
                return
        except retry_on:
            pass
        await asyncio.sleep(EVERY)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


async def wait_event(what: str, event: asyncio.Event, *, seconds: float = PATIENCE) -> None:
    """Waits for ``event`` to be set; fails naming ``what`` after ``seconds``."""
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        raise AssertionError(f"timed out after {seconds} s waiting for {what}") from None
