"""the approaches library: approach, approach_revision, issue_pin, issue.resolved_hash
(issue 17)

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-05 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0016"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "approach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), server_default="draft", nullable=False),
        sa.Column("kind", sa.String(length=16), server_default="approach", nullable=False),
        sa.Column("folder_revision", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'published', 'archived')", name=op.f("ck_approach_state")
        ),
        sa.CheckConstraint("kind IN ('approach', 'event', 'call')", name=op.f("ck_approach_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approach")),
        sa.UniqueConstraint("slug", name=op.f("uq_approach_slug")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "approach_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("approach_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("document", Json, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approach_id"],
            ["approach.id"],
            name=op.f("fk_approach_revision_approach_id_approach"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approach_revision")),
        sa.UniqueConstraint(
            "approach_id", "number", name=op.f("uq_approach_revision_approach_id_number")
        ),
    )
    op.create_index(
        "ix_approach_revision_approach_id_source_hash",
        "approach_revision",
        ["approach_id", "source_hash"],
    )
    op.create_table(
        "issue_pin",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("approach_slug", sa.String(length=80), nullable=False),
        sa.Column("approach_revision", sa.Integer(), nullable=False),
        sa.Column("pinned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_pin_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "approach_slug", name=op.f("pk_issue_pin")),
    )
    with op.batch_alter_table("issue") as batch:
        batch.add_column(sa.Column("resolved_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issue") as batch:
        batch.drop_column("resolved_hash")
    op.drop_table("issue_pin")
    op.drop_index("ix_approach_revision_approach_id_source_hash", table_name="approach_revision")
    op.drop_table("approach_revision")
    op.drop_table("approach")
