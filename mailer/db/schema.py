"""Every table (SQLAlchemy Core): subscribers, lists and interests; issues and their revisions;
campaigns and the delivery ledger; bounces, suppressions and events; series occurrences; staff
accounts and API tokens. Alembic migrations create them; a test checks the two agree.

The ``email_key`` column is what makes an address unique: the normalised address case-folded,
so ``A@B.com`` and ``a@b.com`` are one subscriber while ``email`` keeps what the person typed
(with the domain lower-cased and in punycode).
"""

from __future__ import annotations

import sqlalchemy as sa

from mailer.db.approach_tables import (
    APPROACH_KINDS,
    APPROACH_STATES,
    approach,
    approach_revision,
    issue_pin,
)
from mailer.db.issue_tables import (
    ISSUE_NOTE_KINDS,
    ISSUE_REVIEW_STATES,
    image,
    issue,
    issue_comment,
    issue_revision,
    translation_state,
)
from mailer.db.staff_tables import (
    STAFF_ROLES,
    api_token,
    saved_segment,
    staff_user,
    subscriber_change,
)
from mailer.db.tables_base import (
    SUBSCRIBER_STATUSES,
    SUBSCRIPTION_STATUSES,
    Json,
    _in,
    metadata,
    new_link_nonce,
)

__all__ = [
    "APPROACH_KINDS",
    "APPROACH_STATES",
    "ISSUE_NOTE_KINDS",
    "ISSUE_REVIEW_STATES",
    "STAFF_ROLES",
    "SUBSCRIBER_STATUSES",
    "SUBSCRIPTION_STATUSES",
    "Json",
    "api_token",
    "approach",
    "approach_revision",
    "image",
    "issue",
    "issue_comment",
    "issue_pin",
    "issue_revision",
    "metadata",
    "new_link_nonce",
    "saved_segment",
    "staff_user",
    "subscriber_change",
    "translation_state",
]

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

subscriber = sa.Table(
    "subscriber",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("email_key", sa.String(320), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("country", sa.String(2), nullable=True, index=True),
    sa.Column("language", sa.String(35), nullable=True, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("bounce_score", sa.Float, nullable=False, server_default="0"),
    # the last soft bounce that counted: one a day counts, and a score this old is forgotten
    sa.Column("last_soft_bounce_at", sa.DateTime, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("consent_source", sa.String(200), nullable=True),
    sa.Column("consent_at", sa.DateTime, nullable=True),
    sa.Column("consent_ip", sa.String(45), nullable=True),
    sa.Column("confirmed_at", sa.DateTime, nullable=True),
    # the last confirmation mail sent: at most one a day per address
    sa.Column("confirm_sent_at", sa.DateTime, nullable=True),
    # named by every link of this person (mailer.core.owners); it goes when they are erased
    sa.Column("link_nonce", sa.String(16), nullable=False, default=new_link_nonce),
    sa.CheckConstraint(_in("status", SUBSCRIBER_STATUSES), name="status"),
    # ids go into links and tokens: never give an erased person's id to someone else
    sqlite_autoincrement=True,
)

interest = sa.Table(
    "interest",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),  # the slug
    # what a reader sees, by language tag (mailer.core.vocabulary.title_in)
    sa.Column("titles", Json, nullable=False, server_default="{}"),
    # offered on the public forms; an interest an import names starts private
    sa.Column("public", sa.Boolean, nullable=False, server_default=sa.false()),
)

subscriber_interest = sa.Table(
    "subscriber_interest",
    metadata,
    sa.Column(
        "subscriber_id",
        sa.Integer,
        sa.ForeignKey("subscriber.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "interest_id",
        sa.Integer,
        sa.ForeignKey("interest.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

mailing_list = sa.Table(
    "list",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # by language tag: {"title": …, "description": …}, what a reader sees
    sa.Column("titles", Json, nullable=False, server_default="{}"),
)

subscription = sa.Table(
    "subscription",
    metadata,
    sa.Column(
        "subscriber_id",
        sa.Integer,
        sa.ForeignKey("subscriber.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "list_id",
        sa.Integer,
        sa.ForeignKey("list.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("opted_in_at", sa.DateTime, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.CheckConstraint(_in("status", SUBSCRIPTION_STATUSES), name="status"),
)

suppression = sa.Table(
    "suppression",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

CAMPAIGN_STATES = (
    "draft",
    "approved",
    "scheduled",
    "sending",
    "paused",
    "sent",
    "cancelled",
    "failed",
)
DELIVERY_STATES = ("queued", "sending", "sent", "deferred", "failed", "bounced", "skipped")

campaign = sa.Table(
    "campaign",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(80), nullable=False, unique=True),
    sa.Column("state", sa.String(16), nullable=False, index=True),
    # the campaign.toml as started: later edits of the folder never change a running campaign
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=True),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    # who approved ``source`` (staff email) and when; an approval is of that exact source
    sa.Column("approved_by", sa.String(320), nullable=True),
    sa.Column("approved_at", sa.DateTime, nullable=True),
    # when a ``scheduled`` campaign goes out (naive UTC), set in the staff UI
    sa.Column("send_at", sa.DateTime, nullable=True),
    # the approver who scheduled it although preflight failed (the scheduler then sends it)
    sa.Column("preflight_forced_by", sa.String(320), nullable=True),
    sa.Column("preflight_forced_at", sa.DateTime, nullable=True),
    sa.CheckConstraint(_in("state", CAMPAIGN_STATES), name="state"),
    sqlite_autoincrement=True,
)

delivery = sa.Table(
    "delivery",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "campaign_id", sa.Integer, sa.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "subscriber_id",
        sa.Integer,
        sa.ForeignKey("subscriber.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("lease_until", sa.DateTime, nullable=True),
    sa.Column("message_id", sa.String(255), nullable=True),
    sa.Column("language", sa.String(35), nullable=True),
    # named by its language and every item id it shows: no length (migration 0017; SQLite
    # keeps its VARCHAR(255), whose length it never enforces)
    sa.Column("variant", sa.Text().with_variant(sa.String(255), "sqlite"), nullable=True),
    sa.Column("last_code", sa.Integer, nullable=True),
    sa.Column("last_text", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("sent_at", sa.DateTime, nullable=True),
    sa.UniqueConstraint("campaign_id", "subscriber_id"),
    sa.CheckConstraint(_in("state", DELIVERY_STATES), name="state"),
    sa.Index("ix_delivery_due", "campaign_id", "state", "next_attempt_at"),
    # only rows in flight: the reaper's index stays tiny and a million queued rows skip it
    sa.Index(
        "ix_delivery_lease",
        "lease_until",
        postgresql_where=sa.text("state = 'sending'"),
        sqlite_where=sa.text("state = 'sending'"),
    ),
    # VERP, unsubscribe+ and tracking tokens and Message-IDs name deliveries
    sqlite_autoincrement=True,
)

BOUNCE_KINDS = ("hard", "soft", "delayed", "complaint", "auto_reply")

bounce_event = sa.Table(
    "bounce_event",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    # smtp (a rejection at send time), receiver, imap, pop3, ses, sendgrid, postmark, mailgun
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    # erasing a subscriber erases their bounce history with them
    sa.Column(
        "subscriber_id",
        sa.Integer,
        sa.ForeignKey("subscriber.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column(
        "delivery_id", sa.Integer, sa.ForeignKey("delivery.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column(
        "campaign_id", sa.Integer, sa.ForeignKey("campaign.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("status", sa.String(16), nullable=True),
    sa.Column("diagnostic", sa.Text, nullable=True),
    # how the event was attributed (token, message-id, address, none) and what the policy did
    sa.Column("attributed_by", sa.String(16), nullable=False),
    sa.Column("action", sa.String(200), nullable=False),
    # the returned message as received, capped; dropped after the retention period
    sa.Column("raw", sa.LargeBinary, nullable=True),
    # false: nothing vouches for the person it names (an address-only match, or a recipient
    # beside the one a VERP token names); it changes nobody until staff apply it
    sa.Column("verified", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("applied_by", sa.String(320), nullable=True),
    sa.Column("applied_at", sa.DateTime, nullable=True),
    sa.CheckConstraint(_in("kind", BOUNCE_KINDS), name="kind"),
    # staff act on events by id (``bounces apply``, the staff UI): never a reused one
    sqlite_autoincrement=True,
)

# SNS message ids already recorded: a retried notification is acknowledged and ignored. Kept
# for a little over the hour in which a notification is accepted at all.
webhook_message = sa.Table(
    "webhook_message",
    metadata,
    sa.Column("provider", sa.String(16), primary_key=True),
    sa.Column("message_id", sa.String(100), primary_key=True),
    sa.Column("received_at", sa.DateTime, nullable=False, index=True),
)

OCCURRENCE_STATES = ("pending", "started", "missed", "skipped", "failed")

occurrence = sa.Table(
    "occurrence",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # a series' name, or ``once:<slug>`` for a one-off campaign with ``send_at``
    sa.Column("series", sa.String(100), nullable=False),
    sa.Column("period_key", sa.String(16), nullable=False),
    # naive UTC, like every stored time; the local time is the series' business
    sa.Column("planned_at", sa.DateTime, nullable=False),
    sa.Column("deadline_at", sa.DateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column(
        "campaign_id", sa.Integer, sa.ForeignKey("campaign.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    # a double fire, a second scheduler, a restart: one row per period, so one send
    sa.UniqueConstraint("series", "period_key"),
    sa.CheckConstraint(_in("state", OCCURRENCE_STATES), name="state"),
)

EVENT_KINDS = ("open", "click")

# Opens and clicks, recorded only for campaigns with tracking on; erased with the delivery.
event = sa.Table(
    "event",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column(
        "delivery_id",
        sa.Integer,
        sa.ForeignKey("delivery.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "campaign_id",
        sa.Integer,
        sa.ForeignKey("campaign.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # which link of the issue (its position), for clicks
    sa.Column("link", sa.Integer, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.CheckConstraint(_in("kind", EVENT_KINDS), name="kind"),
    sa.Index("ix_event_campaign_id_kind", "campaign_id", "kind"),
)
