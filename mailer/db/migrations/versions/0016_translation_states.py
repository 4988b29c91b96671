"""translation states per field and language (issue 17: the translation round trip)

Revision ID: 0016
Revises: 0013_vocabulary
Create Date: 2026-12-05 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0013_vocabulary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translation_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("target_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.String(length=320), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'reviewed')", name=op.f("ck_translation_state_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_state")),
        sa.UniqueConstraint(
            "kind",
            "key",
            "language",
            "field",
            name=op.f("uq_translation_state_kind_key_language_field"),
        ),
    )


def downgrade() -> None:
    op.drop_table("translation_state")
