"""campaign speed: the steps a catch-up proposal skips are listed on its step-history row

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("step_history", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skipped_step_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("step_history", schema=None) as batch_op:
        batch_op.drop_column("skipped_step_ids")
