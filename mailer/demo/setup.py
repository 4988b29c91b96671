"""What the demo needs of the command line that runs it: settings it may change, and apps."""

from __future__ import annotations

from typing import Any, Protocol

from mailer.app import App
from mailer.config import Settings


class Setup(Protocol):
    """``mailer.cli.root.CliState``: the demo points the settings at its own database, key and
    capture server, then opens apps on them."""

    def settings(self) -> Settings: ...

    def override(self, key: str, value: Any) -> None: ...

    def app(self, *, require_secret: bool = True, migrate: bool = True) -> App: ...
