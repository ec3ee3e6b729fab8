"""dispatch: the outbox of messages (email, SMS, letter, call) sent at most once

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("channel", _enum("email", "sms", "letter", "call", name="outbox_channel"),
                  nullable=False),
        sa.Column("state", _enum("queued", "sending", "sent", "failed", "unknown", "dropped",
                                 name="outbox_state"), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("provider_id", sa.String(length=200), nullable=True),
        sa.Column("archive_path", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["campaign_action.id"], ondelete="CASCADE",
                                name=op.f("fk_outbox_message_action_id_campaign_action")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE",
                                name=op.f("fk_outbox_message_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["debtor_id"], ["debtor.id"], ondelete="CASCADE",
                                name=op.f("fk_outbox_message_debtor_id_debtor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("action_id", "channel",
                            name=op.f("uq_outbox_message_action_id_channel")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_message_id")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_message_state", ["state"], unique=False)
        batch_op.create_index("ix_outbox_message_campaign_id", ["campaign_id"], unique=False)
        batch_op.create_index("ix_outbox_message_debtor_id", ["debtor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_debtor_id")
        batch_op.drop_index("ix_outbox_message_campaign_id")
        batch_op.drop_index("ix_outbox_message_state")
    op.drop_table("outbox_message")
