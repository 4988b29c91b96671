"""The approaches library: entries issues pick their items from (docs/approaches.md).

An approach is its slug, its revisions (the whole document, its TOML text, author, time; never
changed or deleted) and, from its current revision, its state (draft, published, archived)
and kind (approach, event, call). The document's keys are in ``mailer.core.approaches``.
This package sits below the other use cases: issue folders import the approaches they refer
to (``mailer.campaigns.folders``), and the issue editor reads them.

Reading
  ``list_approaches(database, *, state=None, kind=None) -> list[ApproachView]``
  ``get_approach(database, slug) -> ApproachView``     revision, state, kind, document, problems
  ``approach_revisions(database, slug)``, ``approach_revision(database, slug, n)``
  ``approach_diff(database, slug, a, b) -> list[Change]``

Writing (``StaleRevision`` when ``base_revision`` is not current; nothing is stored)
  ``create_approach(database, slug, document, *, by, now, message=None) -> ApproachSaved``
  ``save_approach(database, slug, document, *, base_revision, by, now, message=None)``
  ``restore_approach(database, slug, n, *, by, now, base_revision=None)``

Files (``mailer approaches import|export``: ``campaigns/approaches/<slug>.toml``)
  ``import_approaches(database, directory, *, now, only=None, missing_only=False, force=False)``
  ``export_approaches(database, directory, slugs=None) -> list[(Path, revision)]``

Translators (``mailer.approaches.translations``: ``export_file``, ``import_file``,
``states``, ``mark_reviewed``; docs/translations-round-trip.md#library-approaches)

Issues refer to approaches by ``approach = "slug"`` in an item; how that resolves, and the
pins that keep an approved issue unchanged, are ``mailer.core.approach_refs`` and
``mailer.db.issue_pins``; "update available" is ``mailer.issues.library``.
"""

from __future__ import annotations

from mailer.approaches.files import (
    FOLDER,
    ImportedApproach,
    approach_files,
    export_approaches,
    import_approaches,
    import_file,
    library_of_folder,
)
from mailer.approaches.store import (
    ApproachRevision,
    ApproachSaved,
    ApproachView,
    approach_diff,
    approach_revision,
    approach_revisions,
    create_approach,
    get_approach,
    list_approaches,
    restore_approach,
    save_approach,
)

__all__ = [
    "FOLDER",
    "ApproachRevision",
    "ApproachSaved",
    "ApproachView",
    "ImportedApproach",
    "approach_diff",
    "approach_files",
    "approach_revision",
    "approach_revisions",
    "create_approach",
    "export_approaches",
    "get_approach",
    "import_approaches",
    "import_file",
    "library_of_folder",
    "list_approaches",
    "restore_approach",
    "save_approach",
]
