"""ids that go into links are never reused; every subscriber gets a link nonce

SQLite gives a new row the highest rowid again after a delete unless the table is declared
AUTOINCREMENT: an erased person's links (``s<id>``) then named the next sign-up. The tables
whose ids go into links, tokens, Message-IDs or staff actions are rebuilt with AUTOINCREMENT
(PostgreSQL's sequences never hand an id out twice already). Every subscriber gets a random
``link_nonce`` that links name from now on (``mailer.core.owners``). Links in mail sent
before carry no nonce: the highest subscriber and delivery ids of this moment are kept in
``meta`` (``legacy_links.subscriber``, ``legacy_links.delivery``), and such a link is honoured
only for a row up to that id, one that exists now and whose id no later row can take.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Their ids go into links and tokens (subscriber: s<id>; delivery: VERP, unsubscribe+,
# tracking, Message-ID; campaign: was in Message-IDs), session cookies (staff_user) and staff
# actions on one event (bounce_event).
TABLES = ("subscriber", "delivery", "campaign", "staff_user", "bounce_event")
# A nonce only has to differ between the owners an id might ever have: random, not secret
# (the token's HMAC is what cannot be forged). New rows get 48 bits from Python's secrets.
NONCE_SQL = {
    "sqlite": "lower(hex(randomblob(6)))",
    "postgresql": "substr(md5(random()::text || clock_timestamp()::text || id::text), 1, 12)",
}


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    meta = sa.table("meta", sa.column("name", sa.String), sa.column("value", sa.Text))
    for table in ("subscriber", "delivery"):
        highest = bind.execute(sa.text(f"SELECT max(id) FROM {table}")).scalar()
        if highest is not None:
            op.bulk_insert(meta, [{"name": f"legacy_links.{table}", "value": str(highest)}])
    op.add_column("subscriber", sa.Column("link_nonce", sa.String(length=16), nullable=True))
    op.execute(f"UPDATE subscriber SET link_nonce = {NONCE_SQL[dialect]}")
    if dialect != "sqlite":
        op.alter_column("subscriber", "link_nonce", existing_type=sa.String(16), nullable=False)
        return
    # mailer.db.migrate turns foreign keys off around migrations on SQLite: dropping the old
    # table would otherwise delete every row that refers to it (ON DELETE CASCADE)
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch:
            if table == "subscriber":
                batch.alter_column("link_nonce", existing_type=sa.String(16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("subscriber") as batch:
        batch.drop_column("link_nonce")
    op.execute("DELETE FROM meta WHERE name LIKE 'legacy_links.%'")
