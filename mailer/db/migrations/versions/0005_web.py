"""web: staff users, API tokens, tracking events, confirmation mail time, approval and
scheduling of campaigns; one-off occurrences

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 08:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_user_email")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("link", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('open', 'click')", name=op.f("ck_event_kind")),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["delivery.id"],
            name=op.f("fk_event_delivery_id_delivery"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_event_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_index(op.f("ix_event_delivery_id"), "event", ["delivery_id"])
    op.create_index("ix_event_campaign_id_kind", "event", ["campaign_id", "kind"])
    with op.batch_alter_table("subscriber") as batch:
        batch.add_column(sa.Column("confirm_sent_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("approved_by", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("approved_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("send_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("occurrence") as batch:
        batch.alter_column(
            "series",
            existing_type=sa.String(length=63),
            type_=sa.String(length=100),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("occurrence") as batch:
        batch.alter_column(
            "series",
            existing_type=sa.String(length=100),
            type_=sa.String(length=63),
            existing_nullable=False,
        )
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("send_at")
        batch.drop_column("approved_at")
        batch.drop_column("approved_by")
    with op.batch_alter_table("subscriber") as batch:
        batch.drop_column("confirm_sent_at")
    op.drop_index("ix_event_campaign_id_kind", table_name="event")
    op.drop_index(op.f("ix_event_delivery_id"), table_name="event")
    op.drop_table("event")
    op.drop_table("api_token")
    op.drop_table("staff_user")
