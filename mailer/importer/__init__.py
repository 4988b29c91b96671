"""Use case: import subscribers from CSV or JSON Lines files, streamed and committed in batches."""

from __future__ import annotations

from mailer.importer.apply import ImportReport, RowProblem, import_file

__all__ = ["ImportReport", "RowProblem", "import_file"]
