"""issues in the database: issue, issue_revision, issue_comment; staff roles

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-04 22:30:00

Every campaign already stored (approved, scheduled or sent before this revision) becomes an
issue whose revision 1 is its stored campaign.toml text, so the editor shows it and an approval
stays valid (it names the same text). Staff accounts made before roles existed become admins:
they could do everything, and still can.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    # SQLite rebuilds the table for the CHECK: keep AUTOINCREMENT (session cookies name ids)
    with op.batch_alter_table("staff_user", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=16), server_default="editor", nullable=False)
        )
        batch.create_check_constraint(
            op.f("ck_staff_user_role"), "role IN ('editor', 'approver', 'admin')"
        )
    op.execute("UPDATE staff_user SET role = 'admin'")
    issue = op.create_table(
        "issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("review", sa.String(length=16), server_default="draft", nullable=False),
        sa.Column("series", sa.String(length=80), nullable=True),
        sa.Column("period", sa.String(length=40), nullable=True),
        sa.Column("send_at", sa.String(length=40), nullable=True),
        sa.Column("folder_revision", sa.Integer(), nullable=True),
        sa.Column("file_approval", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("review IN ('draft', 'in_review')", name=op.f("ck_issue_review")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue")),
        sa.UniqueConstraint("slug", name=op.f("uq_issue_slug")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_issue_series_period", "issue", ["series", "period"])
    revisions = op.create_table(
        "issue_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_revision_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_revision")),
        sa.UniqueConstraint("issue_id", "number", name=op.f("uq_issue_revision_issue_id_number")),
    )
    op.create_index(
        "ix_issue_revision_issue_id_source_hash", "issue_revision", ["issue_id", "source_hash"]
    )
    op.create_table(
        "issue_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=320), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('comment', 'submitted', 'sent_back', 'approved')",
            name=op.f("ck_issue_comment_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issue.id"],
            name=op.f("fk_issue_comment_issue_id_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_comment")),
    )
    op.create_index("ix_issue_comment_issue_id_revision", "issue_comment", ["issue_id", "revision"])
    _issues_of_stored_campaigns(issue, revisions)


def _issues_of_stored_campaigns(issue: sa.Table, revisions: sa.Table) -> None:
    conn = op.get_bind()
    campaign = sa.table(
        "campaign",
        sa.column("slug", sa.String),
        sa.column("source", sa.Text),
        sa.column("approved_by", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
    )
    rows = conn.execute(sa.select(*campaign.c).order_by(campaign.c.slug)).all()
    for slug, source, approved_by, created_at, updated_at in rows:
        document = _document(source)
        issue_id = conn.execute(
            sa.insert(issue)
            .values(
                slug=slug,
                revision=1,
                review="draft",
                series=_text(document.get("series")),
                period=_text(document.get("period")),
                send_at=_text(document.get("send_at")),
                folder_revision=1,
                created_at=created_at,
                updated_at=updated_at,
            )
            .returning(issue.c.id)
        ).scalar_one()
        conn.execute(
            sa.insert(revisions).values(
                issue_id=issue_id,
                number=1,
                document=document,
                source=source,
                source_hash=hashlib.sha256(source.encode()).hexdigest(),
                author=approved_by or "campaign.toml",
                message="the campaign as it was stored before issues were",
                created_at=created_at,
            )
        )


def _document(source: str) -> dict[str, Any]:
    """The TOML data as JSON (this migration's own copy of ``core.issue_documents``)."""
    try:
        data = tomllib.loads(source)
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}
    out = _json(data)
    return out if isinstance(out, dict) else {}


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:40]


def downgrade() -> None:
    op.drop_table("issue_comment")
    op.drop_table("issue_revision")
    op.drop_table("issue")
    with op.batch_alter_table("staff_user", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(op.f("ck_staff_user_role"), type_="check")
        batch.drop_column("role")
