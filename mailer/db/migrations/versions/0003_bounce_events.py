"""bounce events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 05:08:45.869088
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bounce_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("diagnostic", sa.Text(), nullable=True),
        sa.Column("attributed_by", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=200), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('hard', 'soft', 'delayed', 'complaint', 'auto_reply')",
            name=op.f("ck_bounce_event_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_bounce_event_campaign_id_campaign"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["delivery.id"],
            name=op.f("fk_bounce_event_delivery_id_delivery"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_bounce_event_subscriber_id_subscriber"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bounce_event")),
    )
    with op.batch_alter_table("bounce_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bounce_event_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bounce_event_subscriber_id"), ["subscriber_id"], unique=False
        )

    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_soft_bounce_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.drop_column("last_soft_bounce_at")

    with op.batch_alter_table("bounce_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bounce_event_subscriber_id"))
        batch_op.drop_index(batch_op.f("ix_bounce_event_created_at"))

    op.drop_table("bounce_event")
