"""rules: automation rules, per rule × debtor match state, tasks (call / review)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade() -> None:
    op.create_table(
        "rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("condition", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("else_actions", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule")),
        sa.UniqueConstraint("name", name=op.f("uq_rule_name")),
    )
    op.create_table(
        "rule_match",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Boolean(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["debtor_id"], ["debtor.id"],
                                name=op.f("fk_rule_match_debtor_id_debtor"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["rule.id"],
                                name=op.f("fk_rule_match_rule_id_rule"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("rule_id", "debtor_id", name=op.f("pk_rule_match")),
    )
    op.create_index("ix_rule_match_debtor_id", "rule_match", ["debtor_id"], unique=False)
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("call", "review", name="task_kind"), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", _enum("open", "done", name="task_status"), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assignee_id"], ["app_user.id"],
                                name=op.f("fk_task_assignee_id_app_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["debtor_id"], ["debtor.id"],
                                name=op.f("fk_task_debtor_id_debtor"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["rule.id"],
                                name=op.f("fk_task_rule_id_rule"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    op.create_index("ix_task_assignee_id_status", "task", ["assignee_id", "status"], unique=False)
    op.create_index("ix_task_debtor_id", "task", ["debtor_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_task_debtor_id", table_name="task")
    op.drop_index("ix_task_assignee_id_status", table_name="task")
    op.drop_table("task")
    op.drop_index("ix_rule_match_debtor_id", table_name="rule_match")
    op.drop_table("rule_match")
    op.drop_table("rule")
