"""One thread that owns the sending loop's connection and runs its ledger writes in order.

A group commit used to hop through ``asyncio.to_thread`` (the default thread pool) and check a
connection out of the pool each time; here one thread keeps one connection for the whole run
and the event loop hands it each transaction through a queue.

On SQLite the connection runs with ``synchronous=NORMAL`` (``Database(durable=False)``): in WAL
mode a commit is then written to the log but not fsynced. A killed process loses nothing; a
power loss may lose the last commits, whose deliveries are then sent again: duplicates stay
bounded by the messages of those commits (docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from mailer.db.engine import Database

T = TypeVar("T")
_Job = tuple[Callable[[], Any], asyncio.Future[Any], asyncio.AbstractEventLoop]


class Writer:
    """``await writer.run(work)`` runs ``work()`` on the writer's own thread."""

    def __init__(self, shared: Database) -> None:
        # its own engine (and so its own connection), but not for a database that lives only
        # in the shared engine's memory
        memory = shared.dialect == "sqlite" and shared.engine.url.database in (None, "", ":memory:")
        self.database = shared if memory else Database(shared.url, durable=False)
        self._own = not memory
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    async def run(self, work: Callable[[], T]) -> T:
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="ledger-writer", daemon=True)
            self._thread.start()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        self._jobs.put((work, done, loop))
        return await done

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            work, done, loop = job
            try:
                result = work()
            except BaseException as exc:  # handed to the awaiting task, raised there
                loop.call_soon_threadsafe(_settle, done, None, exc)
            else:
                loop.call_soon_threadsafe(_settle, done, result, None)

    def close(self) -> None:
        """Finish the queued writes, stop the thread and close the connection."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None
        if self._own:
            self.database.dispose()


def _settle(done: asyncio.Future[Any], result: object, error: BaseException | None) -> None:
    if done.cancelled():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result)
