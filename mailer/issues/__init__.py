"""Newsletter issues as staff edit them: stored in the database, every save a revision.

An issue is its slug, its revisions (1, 2, 3 …; the whole document, its campaign.toml text,
author, time, an optional message; never changed or deleted), its comments and its state.
The *document* is the campaign.toml data with exactly the file's keys (``docs/campaigns.md``),
JSON-able: the API sends and receives it as JSON. ``docs/architecture-issues.md`` says why the
database holds issues and how they relate to campaigns (the sending record).

Every function takes a ``Desk`` (``App.issue_desk()``: database, composer factory for lint,
``web.four_eyes``, the preflight gate) and, where a person acts, ``by``: an ``Actor`` (a
staff account's address and role: ``StaffAccount.actor``). ``now`` is naive UTC.

Reading
  ``list_issues(desk) -> list[IssueSummary]``          slug, state, revision, subject, author
  ``get_issue(desk, slug) -> IssueView``               slug, state, revision, document, problems
                                                       (``as_json()``: what the API returns)
  ``check_issue(desk, slug, n=None) -> list[Problem]`` every lint check, variants included
  ``campaign_text(desk, slug, n=None) -> IssueText``   the one path to what an issue says:
                                                       its text and the ``Campaign`` it parses to
  ``editions(desk) -> Editions | None``                the languages issues are written in
  ``revisions(desk, slug) -> list[RevisionInfo]``      history, newest first
  ``revision(desk, slug, n) -> Revision``              one revision in full
  ``diff(desk, slug, a, b) -> list[Change]``           per field and language (``Change.before``,
                                                       ``.after``, ``.language``, ``.kind``);
  ``html_table(change, before=, after=) -> str``       difflib's side-by-side table, escaped
  ``preview_issue(desk, slug, who, *, default_sender) -> IssuePreview``   as an inbox shows it
                                                       and the message, for a language, an
                                                       address or a reader of a country and
                                                       interest (``ReaderAs``); the variants its
                                                       readers get, named by their items' titles
  ``comments(desk, slug, n=None) -> list[Comment]``    comments and review steps, oldest first
  ``review_sheet(desk, slug, *, by) -> ReviewSheet``   the review page: state, every problem,
                                                       comments, the acts open to ``by`` (and
                                                       why the others are closed)

Writing (``StaleRevision`` carries the current revision when ``base_revision`` is not it, and
nothing is stored; a draft with lint problems saves and ``Saved.problems`` lists them;
``Saved.returned_to_draft`` says an approved issue became a draft again)
  ``create_issue(desk, slug, document, *, by, now, message=None) -> Saved``
  ``start_issue(desk, slug, title, *, by, now) -> Saved``   the "New issue" form: revision 1
                                                       set up like the newest issue, ``title``
                                                       its subject in the first language
  ``save(desk, slug, document, *, base_revision, by, now, message=None) -> Saved``
  ``restore(desk, slug, n, *, by, now, base_revision=None) -> Saved``   a new revision
  ``to_toml(document, original_text=None) -> str``     the campaign.toml text (tomlkit keeps
                                                       the comments and order of the original)

Review (``NotAllowed`` when the role does not allow it, or four eyes refuse: whoever saved a
revision cannot approve it while ``web.four_eyes`` is true)
  ``submit_for_review(desk, slug, *, by, now, revision=None) -> "in_review"``
  ``approve(desk, slug, revision, *, by, now) -> "approved"``
  ``send_back(desk, slug, *, by, comment, now) -> "draft"``
  ``comment(desk, slug, body, *, by, now, revision=None) -> Comment``
  ``schedule(desk, slug, *, send_at, by, now, force_preflight=False, period_confirmed=False)``

Folders (``mailer campaign import|export``; ``mailer.campaigns.folders``)
  ``import_folder(database, path, *, now, by="campaign.toml", force=False) -> Imported``
  ``export_issue(database, slug, directory, *, revision=None) -> (Path, int)``

The editor page (``mailer.issues.drafts``: reads only, of a draft not stored yet)
  ``choices(desk, templates) -> Choices``              lists; countries, interests, languages
                                                       of active subscribers; template names
  ``check_draft(desk, slug, document) -> DraftCheck``  problems by key, what each language
                                                       lacks, the audience count (or why none)
  ``preview_draft(desk, slug, document, who, cache)``  a language, a subscriber by address or
                                                       a sample subscriber (country, interests)
  ``find_people(desk, prefix)``                        addresses for the preview's search

Saving from the page (``mailer.issues.editing``)
  ``save_draft(desk, slug, document, *, base_revision, by, now) -> Saved | Conflicting``
                                                       stale: what differs, nothing stored
  ``save_and_submit(...)``, ``open_editor(desk, slug, templates) -> Editing``

Approaches (``mailer.issues.library``; docs/approaches.md). An item saying
``approach = "slug"`` resolves in ``campaign_text`` like everywhere (``mailer.core.
approach_refs.resolve``), at the revision the issue is pinned to (``mailer.db.issue_pins``)
  ``updates(desk, slug) -> list[ApproachUpdate]``      "update available": pinned < current
  ``take_updates(desk, slug, *, by, now, only=None)``  pin them to the current revisions
                                                       (a draft or an issue in review only)

Images (``mailer.issues.images``: stored in the database, ``/images/<sha256>.<ext>``)
  ``upload_image(desk, raw, *, by, now, base_url) -> Uploaded``   PNG/JPEG/WebP/GIF ≤ 5 MB
  ``image_file(desk, name) -> ImageFile``; ``delete_image(desk, name, *, by)`` (not if used)

Translations (``mailer.issues.translations``; docs/translations-round-trip.md)
  ``export_file(desk, slug, language, "xliff"|"po") -> TranslationFile``
  ``import_file(desk, data, name, *, by, now, dry_run=False, slug=None) -> TranslationImport``
                                                       refused whole on any error; a changed
                                                       source is stored stale ("needs review")
  ``states(desk, slug) -> {language: [FieldState]}``   missing, draft, reviewed or stale
  ``mark_reviewed(desk, slug, language, field_id, *, by, now)``

States: draft → in_review → approved → scheduled → sending → sent (or paused, cancelled,
failed). Roles, ranked: editor (drafts, submits), approver (approves, sends back, schedules),
admin (staff accounts and settings). Scheduling needs lint clean and every language complete
(``IssueView.missing`` lists what each language lacks), and no translation missing or stale.
"""

from __future__ import annotations

from mailer.campaigns.folders import Imported, export_issue, import_folder
from mailer.core.issue_diff import Change, html_table
from mailer.core.issue_text import IssueText
from mailer.core.issue_workflow import ROLES, Actor
from mailer.core.toml_text import to_toml
from mailer.issues.desk import (
    Comment,
    Desk,
    IssueSummary,
    IssueView,
    Revision,
    RevisionInfo,
    Saved,
)
from mailer.issues.library import ApproachUpdate, take_updates, updates
from mailer.issues.previews import IssuePreview, ReaderAs, preview_issue
from mailer.issues.review import (
    approve,
    comment,
    comments,
    schedule,
    send_back,
    submit_for_review,
)
from mailer.issues.sheet import PIPELINE, ReviewSheet, review_sheet
from mailer.issues.starting import start_issue
from mailer.issues.store import (
    campaign_text,
    check_issue,
    create_issue,
    diff,
    editions,
    get_issue,
    list_issues,
    restore,
    revision,
    revisions,
    save,
)

__all__ = [
    "PIPELINE",
    "ROLES",
    "Actor",
    "ApproachUpdate",
    "Change",
    "Comment",
    "Desk",
    "Imported",
    "IssuePreview",
    "IssueSummary",
    "IssueText",
    "IssueView",
    "ReaderAs",
    "ReviewSheet",
    "Revision",
    "RevisionInfo",
    "Saved",
    "approve",
    "campaign_text",
    "check_issue",
    "comment",
    "comments",
    "create_issue",
    "diff",
    "editions",
    "export_issue",
    "get_issue",
    "html_table",
    "import_folder",
    "list_issues",
    "preview_issue",
    "restore",
    "review_sheet",
    "revision",
    "revisions",
    "save",
    "schedule",
    "send_back",
    "start_issue",
    "submit_for_review",
    "take_updates",
    "to_toml",
    "updates",
]
