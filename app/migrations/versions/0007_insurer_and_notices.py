"""insurer assessments (external score and limit per debtor, dated) and outbox notices that
belong to no campaign (a rule's email to a manager)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(18, 2)


def upgrade() -> None:
    op.create_table(
        "insurer_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("insurer", sa.String(length=80), nullable=False),
        sa.Column("score", sa.Numeric(8, 2), nullable=True),
        sa.Column("limit_amount", MONEY, nullable=True),
        sa.Column("limit_currency", sa.CHAR(length=3), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_file", sa.String(length=260), nullable=True),
        sa.ForeignKeyConstraint(["debtor_id"], ["debtor.id"], ondelete="CASCADE",
                                name=op.f("fk_insurer_assessment_debtor_id_debtor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurer_assessment")),
        sa.UniqueConstraint("debtor_id", "insurer", "assessed_on",
                            name=op.f("uq_insurer_assessment_debtor_id_insurer_assessed_on")),
    )
    with op.batch_alter_table("insurer_assessment", schema=None) as batch_op:
        batch_op.create_index("ix_insurer_assessment_assessed_on", ["assessed_on"], unique=False)
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            "kind", sa.Enum("reminder", "notice", name="outbox_kind", native_enum=False,
                            create_constraint=True),
            nullable=False, server_default="reminder"))
        batch_op.alter_column("campaign_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("action_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_message WHERE kind = 'notice'")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column("action_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("campaign_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("kind")
    with op.batch_alter_table("insurer_assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_insurer_assessment_assessed_on")
    op.drop_table("insurer_assessment")
