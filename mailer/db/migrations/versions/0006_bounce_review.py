"""bounce review: unverified bounce events that staff apply; SNS message ids seen

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bounce_event") as batch:
        batch.add_column(
            sa.Column("verified", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(sa.Column("applied_by", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("applied_at", sa.DateTime(), nullable=True))
    op.create_table(
        "webhook_message",
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("provider", "message_id", name=op.f("pk_webhook_message")),
    )
    op.create_index(op.f("ix_webhook_message_received_at"), "webhook_message", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_webhook_message_received_at"), table_name="webhook_message")
    op.drop_table("webhook_message")
    with op.batch_alter_table("bounce_event") as batch:
        batch.drop_column("applied_at")
        batch.drop_column("applied_by")
        batch.drop_column("verified")
