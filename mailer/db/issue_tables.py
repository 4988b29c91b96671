"""The tables of issues as staff edit them: the issue, its revisions, its comments and the
images uploaded in the editor."""

from __future__ import annotations

import sqlalchemy as sa

from mailer.db.tables_base import Json, _in, metadata

ISSUE_REVIEW_STATES = ("draft", "in_review")
ISSUE_NOTE_KINDS = ("comment", "submitted", "sent_back", "approved")

# A newsletter issue as staff edit it; ``campaign`` (same slug) is its sending record.
issue = sa.Table(
    "issue",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(80), nullable=False, unique=True),
    # the current revision's number
    sa.Column("revision", sa.Integer, nullable=False),
    # before approval: draft or in_review (approval and what follows are the campaign's)
    sa.Column("review", sa.String(16), nullable=False, server_default="draft"),
    # the current revision's series, period and send_at, so the scheduler finds issues by query
    sa.Column("series", sa.String(80), nullable=True),
    sa.Column("period", sa.String(40), nullable=True),
    sa.Column("send_at", sa.String(40), nullable=True),
    # the revision last imported from or exported to a folder: a folder's edit starts from it
    sa.Column("folder_revision", sa.Integer, nullable=True),
    # the hash of the text a folder's ``approved = true`` approved (read once, at its import)
    sa.Column("file_approval", sa.String(64), nullable=True),
    # the hash of the current revision's text with its approaches resolved at the issue's
    # pins (what an approval names); NULL when it refers to none (then the revision's own)
    sa.Column("resolved_hash", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.CheckConstraint(_in("review", ISSUE_REVIEW_STATES), name="review"),
    sa.Index("ix_issue_series_period", "series", "period"),
    sqlite_autoincrement=True,
)

# Every save of an issue, never changed or deleted: the whole document and its TOML text.
issue_revision = sa.Table(
    "issue_revision",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "issue_id", sa.Integer, sa.ForeignKey("issue.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("number", sa.Integer, nullable=False),  # 1, 2, 3 ... per issue
    sa.Column("document", Json, nullable=False),
    # the campaign.toml text (a folder's own, comments and all), and its SHA-256
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_hash", sa.String(64), nullable=False),
    sa.Column("author", sa.String(320), nullable=False),
    sa.Column("message", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("issue_id", "number"),
    sa.Index("ix_issue_revision_issue_id_source_hash", "issue_id", "source_hash"),
)

# Comments on a revision, and the review's steps (submitted, sent back with a reason, approved).
issue_comment = sa.Table(
    "issue_comment",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "issue_id", sa.Integer, sa.ForeignKey("issue.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("author", sa.String(320), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.CheckConstraint(_in("kind", ISSUE_NOTE_KINDS), name="kind"),
    sa.Index("ix_issue_comment_issue_id_revision", "issue_id", "revision"),
)

# Images staff upload in the editor, served at /images/<sha256>.<extension> by every host:
# the re-encoded bytes (EXIF gone, scaled), named by their SHA-256, so a name never changes.
image = sa.Table(
    "image",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("extension", sa.String(8), nullable=False),  # png | jpg | webp | gif
    sa.Column("content_type", sa.String(32), nullable=False),
    sa.Column("width", sa.Integer, nullable=False),
    sa.Column("height", sa.Integer, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),  # bytes
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("uploaded_by", sa.String(320), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

TRANSLATION_STATES = ("draft", "reviewed")

# What was recorded when a translation was written or reviewed, per field and language: the
# hashes of its source and target then (mailer.core.translation_units.unit_state computes
# missing, draft, reviewed or stale from them). ``kind`` is ``issue`` (``key`` its slug); a
# library of approaches can keep its translations here the same way.
translation_state = sa.Table(
    "translation_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("key", sa.String(80), nullable=False),
    sa.Column("language", sa.String(35), nullable=False),
    sa.Column("field", sa.String(200), nullable=False),  # the unit id: items.<id>.title
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("source_hash", sa.String(64), nullable=False),
    sa.Column("target_hash", sa.String(64), nullable=False),
    sa.Column("updated_by", sa.String(320), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.CheckConstraint(_in("state", TRANSLATION_STATES), name="state"),
    sa.UniqueConstraint("kind", "key", "language", "field"),
)
