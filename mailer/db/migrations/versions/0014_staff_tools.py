"""saved segments and the subscriber change log (issue 19: audience builder, person page)

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-05 01:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("expression", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("updated_by", sa.String(length=320), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_segment")),
        sa.UniqueConstraint("name", name=op.f("uq_saved_segment_name")),
    )
    op.create_table(
        "subscriber_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_subscriber_change_subscriber_id_subscriber"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriber_change")),
    )
    op.create_index(
        op.f("ix_subscriber_change_subscriber_id"), "subscriber_change", ["subscriber_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_subscriber_change_subscriber_id"), table_name="subscriber_change")
    op.drop_table("subscriber_change")
    op.drop_table("saved_segment")
