"""Structured logs for the long-running commands: one JSON object a line on stderr.

No address reaches the log: every address in a message, an extra field or a traceback is
replaced by its ``address_tag`` (a short hash keyed with ``secrets.key``), whatever logged it.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from mailer.core.privacy import redact

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    def __init__(self, *, key: str = "") -> None:
        super().__init__()
        self.key = key  # for the address tags; without one, addresses still never appear

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(self._redacted(entry), ensure_ascii=False, default=str)

    def _redacted(self, value: object) -> object:
        if isinstance(value, str):
            return redact(value, self.key)
        if isinstance(value, dict):
            return {k: self._redacted(v) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self._redacted(v) for v in value]
        return redact(str(value), self.key) if not isinstance(value, int | float | bool) else value


def configure(level: int = logging.INFO, *, key: str = "") -> None:
    """JSON lines on stderr for every logger (uvicorn's too), replacing earlier handlers;
    ``key`` (``secrets.key``) keys the tags that stand for addresses."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines(key=key))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "apscheduler"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)  # it logs its own crashes
