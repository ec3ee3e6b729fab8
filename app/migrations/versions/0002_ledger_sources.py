"""ledger sources

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("csv", "excel", "fec", "sage100", "sql", name="source_kind",
                    native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("schedule_minutes", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.String(length=20), nullable=True),
        sa.Column("last_message", sa.Text(), nullable=True),
        sa.Column("last_fingerprint", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_source")),
        sa.UniqueConstraint("name", name=op.f("uq_ledger_source_name")),
    )
    op.create_table(
        "import_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_profile")),
        sa.UniqueConstraint("name", name=op.f("uq_import_profile_name")),
    )
    op.create_table(
        "ledger_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum("lettered", "missing", name="closure_reason", native_enum=False,
                    create_constraint=True),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"],
                                name=op.f("fk_ledger_closure_invoice_id_invoice"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"],
                                name=op.f("fk_ledger_closure_payment_id_payment"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_closure")),
    )
    with op.batch_alter_table("ledger_closure", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_closure_invoice_id", ["invoice_id"], unique=False)
        batch_op.create_index("ix_ledger_closure_payment_id", ["payment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_closure", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_closure_payment_id")
        batch_op.drop_index("ix_ledger_closure_invoice_id")
    op.drop_table("ledger_closure")
    op.drop_table("import_profile")
    op.drop_table("ledger_source")
