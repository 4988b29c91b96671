"""delivery.variant as text: a variant is named by its language and every item id it shows (up
to 80 characters each), which passed VARCHAR(255) on PostgreSQL and failed the send

SQLite never enforces a VARCHAR's length, so there the column stays as it is: no rebuild of the
ledger, the largest table (mailer/db/schema.py declares the same).

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 09:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("delivery", "variant", type_=sa.Text(), existing_type=sa.String(length=255))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("delivery", "variant", type_=sa.String(length=255), existing_type=sa.Text())
