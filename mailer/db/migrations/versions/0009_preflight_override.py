"""preflight override: who scheduled a campaign despite failing preflight checks, and when

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("preflight_forced_by", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("preflight_forced_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("preflight_forced_at")
        batch.drop_column("preflight_forced_by")
