"""The tables of the approaches library: the approach, its revisions, and the revision of
each approach an issue is pinned to."""

from __future__ import annotations

import sqlalchemy as sa

from mailer.db.tables_base import Json, _in, metadata

APPROACH_STATES = ("draft", "published", "archived")
APPROACH_KINDS = ("approach", "event", "call")

# An entry of the library issues pick their items from (docs/approaches.md).
approach = sa.Table(
    "approach",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(80), nullable=False, unique=True),
    # the current revision's number
    sa.Column("revision", sa.Integer, nullable=False),
    # the current revision's state and kind, so lists filter by query
    sa.Column("state", sa.String(16), nullable=False, server_default="draft"),
    sa.Column("kind", sa.String(16), nullable=False, server_default="approach"),
    # the revision last imported from or exported to a file: a file's edit starts from it
    sa.Column("folder_revision", sa.Integer, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.CheckConstraint(_in("state", APPROACH_STATES), name="state"),
    sa.CheckConstraint(_in("kind", APPROACH_KINDS), name="kind"),
    sqlite_autoincrement=True,
)

# Every save of an approach, never changed or deleted: the whole document and its TOML text.
approach_revision = sa.Table(
    "approach_revision",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "approach_id",
        sa.Integer,
        sa.ForeignKey("approach.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("number", sa.Integer, nullable=False),  # 1, 2, 3 ... per approach
    sa.Column("document", Json, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_hash", sa.String(64), nullable=False),
    sa.Column("author", sa.String(320), nullable=False),
    sa.Column("message", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("approach_id", "number"),
    sa.Index("ix_approach_revision_approach_id_source_hash", "approach_id", "source_hash"),
)

# The revision of each approach an issue uses: set when a revision of the issue first refers
# to it, moved only by "take the update" while the issue is a draft (docs/approaches.md).
issue_pin = sa.Table(
    "issue_pin",
    metadata,
    sa.Column(
        "issue_id",
        sa.Integer,
        sa.ForeignKey("issue.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("approach_slug", sa.String(80), primary_key=True),
    sa.Column("approach_revision", sa.Integer, nullable=False),
    sa.Column("pinned_at", sa.DateTime, nullable=False),
)
