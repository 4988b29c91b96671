"""lists and interests as managed words: titles per language, interests public or private

Revision ID: 0013_vocabulary
Revises: 0014
Create Date: 2026-12-05 21:40:00

Issue 18, item 4. ``list.titles`` and ``interest.titles`` map a language tag to what a reader
sees (a list: ``{"title": …, "description": …}``; an interest: its title). ``interest.public``
says whether the public forms offer it: interests stored before this revision were offered,
so they stay public; one an import names from now on starts private until staff publish it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013_vocabulary"
down_revision = "0014"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("interest") as batch:
        batch.add_column(sa.Column("titles", JSON, server_default="{}", nullable=False))
        batch.add_column(
            sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(sa.text("UPDATE interest SET public = :yes").bindparams(yes=True))
    with op.batch_alter_table("list") as batch:
        batch.add_column(sa.Column("titles", JSON, server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("list") as batch:
        batch.drop_column("titles")
    with op.batch_alter_table("interest") as batch:
        batch.drop_column("public")
        batch.drop_column("titles")
