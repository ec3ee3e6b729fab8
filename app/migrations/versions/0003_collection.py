"""collection: reminder plans, templates, holds, disputes, promises, campaigns, step history

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("as_of_key", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "pending_approval",
                "approved",
                "rejected",
                "dispatched",
                name="campaign_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("built_by", sa.String(length=120), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
        sa.UniqueConstraint("as_of_key", name=op.f("uq_campaign_as_of_key")),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_as_of"), ["as_of"], unique=False)

    op.create_table(
        "message_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_template")),
        sa.UniqueConstraint(
            "key", "language", "channel", name=op.f("uq_message_template_key_language_channel")
        ),
    )
    op.create_table(
        "reminder_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("min_gap_days", sa.Integer(), nullable=False),
        sa.Column("min_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("promise_grace_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_plan")),
        sa.UniqueConstraint("name", name=op.f("uq_reminder_plan_name")),
    )
    op.create_table(
        "plan_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("template_key", sa.String(length=80), nullable=False),
        sa.Column("min_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("fee", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("business_days", sa.Boolean(), nullable=False),
        sa.Column("with_interest", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["reminder_plan.id"],
            name=op.f("fk_plan_step_plan_id_reminder_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_step")),
    )
    with op.batch_alter_table("plan_step", schema=None) as batch_op:
        batch_op.create_index("ix_plan_step_plan_id", ["plan_id"], unique=False)

    op.create_table(
        "campaign_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.CHAR(length=3), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("preview", sa.JSON(), nullable=True),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.Column("exclude_reason", sa.Text(), nullable=True),
        sa.Column("excluded_by", sa.String(length=120), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_campaign_action_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"],
            ["debtor.id"],
            name=op.f("fk_campaign_action_debtor_id_debtor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["reminder_plan.id"],
            name=op.f("fk_campaign_action_plan_id_reminder_plan"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["plan_step.id"],
            name=op.f("fk_campaign_action_step_id_plan_step"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_action")),
        sa.UniqueConstraint(
            "campaign_id",
            "debtor_id",
            "step_id",
            "currency",
            name=op.f("uq_campaign_action_campaign_id_debtor_id_step_id_currency"),
        ),
    )
    with op.batch_alter_table("campaign_action", schema=None) as batch_op:
        batch_op.create_index("ix_campaign_action_debtor_id", ["debtor_id"], unique=False)

    op.create_table(
        "debtor_plan",
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["debtor_id"],
            ["debtor.id"],
            name=op.f("fk_debtor_plan_debtor_id_debtor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["reminder_plan.id"],
            name=op.f("fk_debtor_plan_plan_id_reminder_plan"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("debtor_id", name=op.f("pk_debtor_plan")),
    )
    op.create_table(
        "hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "dispute",
                "promise",
                "manual",
                "legal",
                name="hold_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["debtor_id"], ["debtor.id"], name=op.f("fk_hold_debtor_id_debtor"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hold")),
    )
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.create_index("ix_hold_debtor_id", ["debtor_id"], unique=False)

    op.create_table(
        "campaign_action_item",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("residual", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("days_late", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["campaign_action.id"],
            name=op.f("fk_campaign_action_item_action_id_campaign_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_campaign_action_item_invoice_id_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["plan_step.id"],
            name=op.f("fk_campaign_action_item_step_id_plan_step"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("action_id", "invoice_id", name=op.f("pk_campaign_action_item")),
    )
    with op.batch_alter_table("campaign_action_item", schema=None) as batch_op:
        batch_op.create_index("ix_campaign_action_item_invoice_id", ["invoice_id"], unique=False)

    op.create_table(
        "dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "pricing",
                "quality",
                "delivery",
                "administrative",
                "other",
                name="dispute_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "resolved",
                "credited",
                "rejected",
                name="dispute_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=120), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["hold.id"], name=op.f("fk_dispute_hold_id_hold"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute")),
        sa.UniqueConstraint("hold_id", name=op.f("uq_dispute_hold_id")),
    )
    op.create_table(
        "hold_item",
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["hold.id"], name=op.f("fk_hold_item_hold_id_hold"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_hold_item_invoice_id_invoice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hold_id", "invoice_id", name=op.f("pk_hold_item")),
    )
    with op.batch_alter_table("hold_item", schema=None) as batch_op:
        batch_op.create_index("ix_hold_item_invoice_id", ["invoice_id"], unique=False)

    op.create_table(
        "promise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.CHAR(length=3), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "kept",
                "broken",
                name="promise_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["hold.id"], name=op.f("fk_promise_hold_id_hold"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise")),
        sa.UniqueConstraint("hold_id", name=op.f("uq_promise_hold_id")),
    )
    op.create_table(
        "step_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "proposed",
                "sent",
                "skipped",
                name="step_outcome",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["campaign_action.id"],
            name=op.f("fk_step_history_action_id_campaign_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_step_history_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"],
            ["debtor.id"],
            name=op.f("fk_step_history_debtor_id_debtor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_step_history_invoice_id_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["plan_step.id"],
            name=op.f("fk_step_history_step_id_plan_step"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_history")),
        sa.UniqueConstraint(
            "invoice_id", "step_id", name=op.f("uq_step_history_invoice_id_step_id")
        ),
    )
    with op.batch_alter_table("step_history", schema=None) as batch_op:
        batch_op.create_index("ix_step_history_campaign_id", ["campaign_id"], unique=False)
        batch_op.create_index("ix_step_history_debtor_id", ["debtor_id"], unique=False)

    op.create_table(
        "dispute_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["dispute.id"],
            name=op.f("fk_dispute_event_dispute_id_dispute"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_event")),
    )
    with op.batch_alter_table("dispute_event", schema=None) as batch_op:
        batch_op.create_index("ix_dispute_event_dispute_id", ["dispute_id"], unique=False)

    op.create_table(
        "promise_instalment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promise.id"],
            name=op.f("fk_promise_instalment_promise_id_promise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise_instalment")),
    )
    with op.batch_alter_table("promise_instalment", schema=None) as batch_op:
        batch_op.create_index("ix_promise_instalment_promise_id", ["promise_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("promise_instalment", schema=None) as batch_op:
        batch_op.drop_index("ix_promise_instalment_promise_id")

    op.drop_table("promise_instalment")
    with op.batch_alter_table("dispute_event", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_event_dispute_id")

    op.drop_table("dispute_event")
    with op.batch_alter_table("step_history", schema=None) as batch_op:
        batch_op.drop_index("ix_step_history_debtor_id")
        batch_op.drop_index("ix_step_history_campaign_id")

    op.drop_table("step_history")
    op.drop_table("promise")
    with op.batch_alter_table("hold_item", schema=None) as batch_op:
        batch_op.drop_index("ix_hold_item_invoice_id")

    op.drop_table("hold_item")
    op.drop_table("dispute")
    with op.batch_alter_table("campaign_action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_action_item_invoice_id")

    op.drop_table("campaign_action_item")
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.drop_index("ix_hold_debtor_id")

    op.drop_table("hold")
    op.drop_table("debtor_plan")
    with op.batch_alter_table("campaign_action", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_action_debtor_id")

    op.drop_table("campaign_action")
    with op.batch_alter_table("plan_step", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_step_plan_id")

    op.drop_table("plan_step")
    op.drop_table("reminder_plan")
    op.drop_table("message_template")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_as_of"))

    op.drop_table("campaign")
