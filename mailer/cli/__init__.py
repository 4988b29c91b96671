"""The ``mailer`` command line. Exit codes: 0 done, 1 storage or internal failure, 2 bad input.

The commands live in the modules beside this one; ``mailer.cli.root.COMMANDS`` says which
module defines which, and each is imported only when its command runs.
"""

from __future__ import annotations

from mailer.cli.root import mailer, main

__all__ = ["mailer", "main"]
